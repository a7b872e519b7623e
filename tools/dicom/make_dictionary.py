#!/usr/bin/python3
"""Writes the compact DICOM data dictionary and the PS3.15 Annex E basic-profile action table used by
src/MedFM.Imaging/Dicom/Dictionary.

Sources (facts of the DICOM standard, regenerated, never copied as code):
  - the data dictionary as shipped with pydicom (pydicom._dicom_dict, Debian python3-pydicom);
  - PS3.15 Table E.1-1 in the JSON form of innolitics/dicom-standard (standard/confidentiality_profile_attributes.json),
    path given as the first argument.

Usage: /usr/bin/python3 tools/dicom/make_dictionary.py confidentiality_profile_attributes.json
Output: src/MedFM.Imaging/Dicom/Dictionary/dictionary.tsv   tag VR VM keyword   (one per line, hex tag)
        src/MedFM.Imaging/Dicom/Dictionary/basic-profile.tsv tag action          (Annex E basic profile)
"""
import json, os, sys
from pydicom._dicom_dict import DicomDictionary

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
out = os.path.join(root, "src", "MedFM.Imaging", "Dicom", "Dictionary")
profile = json.load(open(sys.argv[1]))

def action(code):
    # Conditional actions resolved to the one that keeps the object valid and drops the most:
    # X/Z, X/Z/D, Z/D -> Z (keep an empty value for type-2 use); X/D -> X; X/Z/U* -> K (keep, recurse, remap UIDs inside).
    code = code.strip()
    if code == "X/Z/U*": return "K"
    if code in ("X/Z", "X/Z/D", "Z/D"): return "Z"
    if code == "X/D": return "X"
    return code

rows = []
for p in profile:
    if "ODD" in p["tag"].upper(): continue  # private attributes: removed by the code, not by a row
    tag = p["tag"].strip("()").replace(",", "").upper()
    rows.append((tag, action(p["basicProfile"])))
rows.sort()
with open(os.path.join(out, "basic-profile.tsv"), "w") as f:
    f.write("# PS3.15 Table E.1-1 basic profile: tag (x = any hex digit) and action D/Z/X/K/C/U\n")
    for tag, a in rows:
        f.write(f"{tag}\t{a}\n")

deid_tags = {int(t, 16) for t, _ in rows if "X" not in t}
keep_groups = {0x0002, 0x0004, 0x0008, 0x0010, 0x0012, 0x0014, 0x0018, 0x0020, 0x0022, 0x0028, 0x0032, 0x0038,
               0x0040, 0x0050, 0x0054, 0x0062, 0x0066, 0x0070, 0x0072, 0x0088, 0x0400, 0x2050, 0x7FE0,
               0xFFFA, 0xFFFC, 0xFFFE}
with open(os.path.join(out, "dictionary.tsv"), "w") as f:
    f.write("# tag\tVR\tVM\tkeyword (from the DICOM standard's data dictionary)\n")
    for tag in sorted(DicomDictionary):
        vr, vm, name, retired, keyword = DicomDictionary[tag]
        if not keyword: continue
        if (tag >> 16) not in keep_groups and tag not in deid_tags: continue
        vr = vr.split(" or ")[0]
        f.write(f"{tag:08X}\t{vr}\t{vm}\t{keyword}\n")
print("wrote", out)
