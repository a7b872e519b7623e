namespace MedFM.Imaging.Dicom;

/// <summary>The value representations of PS3.5 §6.2 (and NONE for item/delimitation tags).</summary>
public enum DicomVR : ushort
{
    NONE = 0,
    AE = ('A' << 8) | 'E', AS = ('A' << 8) | 'S', AT = ('A' << 8) | 'T', CS = ('C' << 8) | 'S',
    DA = ('D' << 8) | 'A', DS = ('D' << 8) | 'S', DT = ('D' << 8) | 'T', FD = ('F' << 8) | 'D',
    FL = ('F' << 8) | 'L', IS = ('I' << 8) | 'S', LO = ('L' << 8) | 'O', LT = ('L' << 8) | 'T',
    OB = ('O' << 8) | 'B', OD = ('O' << 8) | 'D', OF = ('O' << 8) | 'F', OL = ('O' << 8) | 'L',
    OV = ('O' << 8) | 'V', OW = ('O' << 8) | 'W', PN = ('P' << 8) | 'N', SH = ('S' << 8) | 'H',
    SL = ('S' << 8) | 'L', SQ = ('S' << 8) | 'Q', SS = ('S' << 8) | 'S', ST = ('S' << 8) | 'T',
    SV = ('S' << 8) | 'V', TM = ('T' << 8) | 'M', UC = ('U' << 8) | 'C', UI = ('U' << 8) | 'I',
    UL = ('U' << 8) | 'L', UN = ('U' << 8) | 'N', UR = ('U' << 8) | 'R', US = ('U' << 8) | 'S',
    UT = ('U' << 8) | 'T', UV = ('U' << 8) | 'V',
}

/// <summary>Facts about value representations: header form, element size for byte swapping, text or binary.</summary>
public static class DicomVRs
{
    /// <summary>The VR of two ASCII bytes, or false when they name no known VR.</summary>
    public static bool TryParse(byte a, byte b, out DicomVR vr)
    {
        vr = (DicomVR)((a << 8) | b);
        return a is >= (byte)'A' and <= (byte)'Z' && b is >= (byte)'A' and <= (byte)'Z' && Enum.IsDefined(vr) && vr != DicomVR.NONE;
    }

    /// <summary>The VR named by a two-letter code ("OW"); NONE for anything else.</summary>
    public static DicomVR Parse(string code) =>
        code.Length == 2 && TryParse((byte)code[0], (byte)code[1], out var vr) ? vr : DicomVR.NONE;

    /// <summary>Explicit VR: these have 2 reserved bytes and a 32-bit length; the others a 16-bit length.</summary>
    public static bool HasLongLength(DicomVR vr) => vr is DicomVR.OB or DicomVR.OD or DicomVR.OF or DicomVR.OL
        or DicomVR.OV or DicomVR.OW or DicomVR.SQ or DicomVR.UC or DicomVR.UN or DicomVR.UR or DicomVR.UT
        or DicomVR.SV or DicomVR.UV;

    /// <summary>Size of one binary value for byte swapping (1 for text and bytes).</summary>
    public static int SwapSize(DicomVR vr) => vr switch
    {
        DicomVR.US or DicomVR.SS or DicomVR.OW or DicomVR.AT => 2,
        DicomVR.UL or DicomVR.SL or DicomVR.FL or DicomVR.OF or DicomVR.OL => 4,
        DicomVR.FD or DicomVR.OD or DicomVR.SV or DicomVR.UV or DicomVR.OV => 8,
        _ => 1,
    };

    /// <summary>True for the character-string VRs (values are text, padded to even length with a space).</summary>
    public static bool IsText(DicomVR vr) => vr is DicomVR.AE or DicomVR.AS or DicomVR.CS or DicomVR.DA or DicomVR.DS
        or DicomVR.DT or DicomVR.IS or DicomVR.LO or DicomVR.LT or DicomVR.PN or DicomVR.SH or DicomVR.ST
        or DicomVR.TM or DicomVR.UC or DicomVR.UI or DicomVR.UR or DicomVR.UT;

    /// <summary>Text VRs whose values use the Specific Character Set (the others are plain ASCII).</summary>
    public static bool UsesCharacterSet(DicomVR vr) => vr is DicomVR.LO or DicomVR.LT or DicomVR.PN or DicomVR.SH
        or DicomVR.ST or DicomVR.UC or DicomVR.UT;

    /// <summary>The padding byte of a VR: NUL for UI and binary VRs, space for text.</summary>
    public static byte PadByte(DicomVR vr) => IsText(vr) && vr != DicomVR.UI ? (byte)' ' : (byte)0;
}
