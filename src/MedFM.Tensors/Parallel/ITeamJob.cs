namespace MedFM.Tensors.Parallel;

/// <summary>
/// A unit of parallel work for <see cref="ThreadTeam.Run{TJob}(ref TJob, int)"/>: a struct, so starting it
/// allocates nothing. Execute runs once on every thread of the run, with that thread's index in [0, threads).
/// </summary>
public interface ITeamJob
{
    void Execute(int thread, int threads);
}
