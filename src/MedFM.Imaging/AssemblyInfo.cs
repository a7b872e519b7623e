using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("MedFM.Imaging.Tests")]
