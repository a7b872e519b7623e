using System.CommandLine;
using MedFM.Imaging.Dicom;

namespace MedFM.Cli.Commands;

/// <summary>
/// `medfm deidentify &lt;in&gt;... --out &lt;folder&gt;`: PS3.15 Annex E basic-profile de-identification of DICOM files and
/// folders; UIDs are remapped consistently across everything given in one run (and across runs sharing a --salt).
/// </summary>
internal static class DeidentifyCommand
{
    public static Command Create()
    {
        var inputs = new Argument<string[]>("input") { Description = "DICOM files or folders (scanned recursively)", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--out", "-o") { Description = "Output folder (files named by their new SOP Instance UID)", Required = true };
        var salt = new Option<string?>("--salt")
        {
            Description = "Secret mixed into the UID remapping: runs with the same salt give the same new UIDs (default: random, no linkage)",
        };
        var name = new Option<string?>("--patient-name") { Description = "Replacement PatientName (default: the profile's dummy value)" };
        var id = new Option<string?>("--patient-id") { Description = "Replacement PatientID (default: the profile's dummy value)" };
        var command = new Command("deidentify", "De-identify DICOM files (PS3.15 Annex E basic profile; pixel data untouched)") { inputs, output, salt, name, id };
        command.SetAction(CliErrors.Guard(parse =>
        {
            var options = new DeidentifyOptions { Salt = parse.GetValue(salt), PatientName = parse.GetValue(name), PatientId = parse.GetValue(id) };
            var r = Deidentifier.Run(parse.GetValue(inputs)!, parse.GetValue(output)!, options);
            foreach (var w in r.Skipped) Console.Error.WriteLine($"medfm: warning: skipped {w}");
            Console.WriteLine($"de-identified {r.Written.Count} file(s) into {parse.GetValue(output)}, {r.UidMap.Count} UID(s) remapped, {r.Skipped.Count} skipped");
            return 0;
        }));
        return command;
    }
}
