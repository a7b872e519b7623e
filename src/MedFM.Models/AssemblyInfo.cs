using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("MedFM.Models.Tests")]
