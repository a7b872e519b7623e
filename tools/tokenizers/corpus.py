"""The fixture corpus of MedFM's text tokenizers: clinical phrases, prompts and hard cases.

Every string here is run through the reference tokenizers by make_fixtures.py. FTFY_CASES aim at the parts of
ftfy.fix_text that MedFM ports (quotes, ligatures, widths, controls, NFC); none of the strings is mojibake, the
part of ftfy that is not ported. text_cleaning.json records which strings ftfy changes.
"""

RADIOLOGY = [
    "No acute cardiopulmonary process.",
    "Mild cardiomegaly with small bilateral pleural effusions.",
    "Right lower lobe consolidation concerning for pneumonia.",
    "There is a 5 mm nodule in the left upper lobe.",
    "Endotracheal tube terminates 4 cm above the carina.",
    "Interval placement of a right internal jugular central venous catheter.",
    "Pneumothorax has resolved; no residual air is seen.",
    "Hyperinflated lungs consistent with COPD.",
    "Patchy ground-glass opacities in both lungs, suspicious for COVID-19 pneumonia.",
    "Degenerative changes of the thoracic spine.",
    "The heart size is normal. The mediastinal and hilar contours are unremarkable.",
    "Atelectasis at the left lung base.",
    "Small right apical pneumothorax, measuring approximately 1.5 cm.",
    "No evidence of intracranial hemorrhage, mass effect, or midline shift.",
    "Chronic small vessel ischemic disease.",
    "Acute infarct in the left MCA territory.",
    "MRI brain with and without contrast: T2/FLAIR hyperintensities in the periventricular white matter.",
    "Hepatic steatosis. Gallbladder is unremarkable.",
    "Simple renal cyst measuring 2.3 x 1.8 cm in the right kidney.",
    "CT abdomen/pelvis: appendicitis with periappendiceal fat stranding.",
    "Axial T1-weighted image shows a hypointense lesion.",
    "Diffusion restriction on DWI with low ADC values.",
    "Findings: BI-RADS 4 suspicious mass in the upper outer quadrant.",
    "Impression: likely benign; recommend 6-month follow-up.",
    "Comminuted fracture of the distal radius with dorsal angulation.",
    "Osteopenia. No acute fracture or dislocation.",
    "Mild to moderate hydronephrosis of the left kidney.",
    "Aortic valve calcification; LVEF 55-60%.",
    "Dual-energy X-ray absorptiometry: T-score -2.7 (osteoporosis).",
    "PET/CT shows FDG-avid lymph nodes (SUVmax 8.4).",
    "Ultrasound: thyroid nodule, TI-RADS TR3.",
    "Portable AP chest radiograph at 07:45.",
    "Lines and tubes: NG tube tip in the stomach.",
    "Cardiomediastinal silhouette is within normal limits.",
    "Retrocardiac opacity may represent atelectasis versus consolidation.",
    "Status post median sternotomy and CABG.",
    "Blunting of the costophrenic angles.",
    "Kerley B lines suggest interstitial edema.",
    "Mass effect with 7mm rightward midline shift.",
    "Hounsfield units measured at -15 HU, consistent with fat.",
]

PATHOLOGY = [
    "Invasive ductal carcinoma, grade 2, ER+/PR+/HER2-.",
    "Tubular adenoma with low-grade dysplasia.",
    "Adenocarcinoma of the colon, moderately differentiated.",
    "Squamous cell carcinoma in situ.",
    "Benign prostatic hyperplasia; Gleason score 3+4=7 in one core.",
    "H&E stain shows nuclear pleomorphism and frequent mitoses.",
    "Immunohistochemistry: CK7 positive, CK20 negative, TTF-1 positive.",
    "Ki-67 proliferation index ~30%.",
    "Metastatic melanoma to lymph node (2/15).",
    "Chronic gastritis with Helicobacter pylori organisms.",
    "Non-necrotizing granulomatous inflammation.",
    "Diffuse large B-cell lymphoma.",
    "Follicular thyroid neoplasm; capsular invasion cannot be excluded.",
    "Margins negative (closest margin 0.3 cm).",
    "Glioblastoma, IDH-wildtype, WHO grade 4.",
    "Lymphovascular invasion: present.",
    "pT2 pN1a M0 (AJCC 8th edition).",
    "Necrosis comprises <10% of tumor volume.",
    "Fibroadenoma with stromal hyalinization.",
    "A histopathology slide of lung adenocarcinoma",
]

CLASSES = [
    "pneumonia", "pleural effusion", "cardiomegaly", "atelectasis", "no finding", "edema", "pneumothorax",
    "fracture", "glioma", "meningioma", "pituitary tumor", "melanoma", "basal cell carcinoma", "nevus",
    "diabetic retinopathy", "glaucoma", "COVID-19", "tuberculosis", "Alzheimer's disease", "normal tissue",
]

TEMPLATES = [
    "a photo of a {}.",
    "a chest x-ray showing {}",
    "An MRI scan of a brain with {}.",
    "this is a histopathology image of {}",
    "A dermoscopy image of {}.",
    "{}",
]

NUMBERS_UNITS = [
    "Glucose 126 mg/dL", "5 mm", "5mm", "3.14159", "1,000,000", "10^6 cells/μL", "pH 7.35-7.45",
    "BP 120/80 mmHg", "HR 72 bpm", "SpO2 98%", "Temperature 38.5°C", "Creatinine 1.2 mg/dl", "½ tablet",
    "x² + y² = r²", "2024-03-15", "#42", "$1,299.99", "dose: 0.5 mL IV q6h", "100 µg", "١٢٣ (Arabic-Indic digits)",
]

PUNCTUATION = [
    "it's", "don't", "we're", "they've", "I'm", "we'll", "she'd", "IT'S LOUD", "rock 'n' roll", "'s", "''s",
    "patient's chart", "patients' rooms", "well-defined", "non-small-cell", "e.g., i.e., etc.", "Hello!!! Really???",
    "...", "--", "(left) [right] {center}", "a/b\\c", "@user #hashtag", "~tilde~ `code`", "50% of cases; n=12",
    "it'ſ", "<end_of_text> inside", "pre<start_of_text>post", "<START_OF_TEXT>", "[MASK] lesion", "[CLS] [SEP] [PAD] [UNK]",
    "[cls] lower", "a [MASK]ed word", "</w>", "x</w>y",
]

SCRIPTS = [
    "café", "naïve", "résumé", "Müller", "Ångström", "façade", "jalapeño", "Zürich", "ÉCOLE", "Œdème",
    "α-fetoprotein", "β-blocker", "γ-globulin", "Δ change", "ΟΔΟΣ", "Σίσυφος", "ΣΑΣ", "μ opioid",
    "İstanbul", "straße", "Дыхание везикулярное", "肺炎", "胸部X线片显示肺炎", "日本語のテキスト", "한국어 텍스트",
    "مرحبا", "שלום", "हिन्दी", "ไทย", "😀", "🫁 lungs", "👩‍⚕️ doctor", "❤️ heart", "🇺🇸", "𝐁𝐨𝐥𝐝 math",
    "𠀀 rare CJK", "Ⅻ Roman numeral", "ℌ℮ℓℓø", "ǅ titlecase",
]

WHITESPACE_HTML = [
    "tab\tseparated\tvalues", "line one\nline two", "  leading and trailing  ", "multiple     spaces",
    "carriage\r\nreturn", "non\u00a0breaking space", "em\u2003space", "\u3000ideographic space", "vertical\u000btab",
    "file\x1cseparator", "zero\u200bwidth", "soft\u00adhyphen", "AT&amp;T", "&lt;b&gt;bold&lt;/b&gt;", "5 &gt; 3",
    "&amp;amp; double", "caf&eacute;", "&#955; lambda", "&#x3bb; hex", "&copy 2024", "&notit; not", "&unknown; entity",
    "x &lt y", "&#128; euro", "&#0; nul", "&#65533;", "&#xD800; surrogate", "&#1114112; too big", "a &amp b",
    "<b>tag</b> &amp; more", "\u2028line separator", "next\u0085line",
]

FTFY_CASES = [
    "It\u2019s a \u201cquoted\u201d phrase", "\u2018single\u2019 quotes", "\ufb01ne \ufb02ow e\ufb00ect",
    "\uff2c\uff2f\uff35\uff24 \uff11\uff12\uff13", "e\u0301 combining accent", "A\u030a angstrom", "\ufeffbyte order mark",
    "bell\x07char", "\x1b[31mred\x1b[0m text", "C1 \x80 control", "\u02bcokina", "&AMP; upper entity",
    "\u0132sselmeer", "\u1e9b\u0323 dot", "\uff71\uff72 halfwidth kana",
]

EDGE = [
    "", " ", "\t\n", "a", "A", ".", "'", "0", "ok", "12345678901234567890",
    "a" * 300,
    "pneumonoultramicroscopicsilicovolcanoconiosis" * 4,
    "supercalifragilistic" * 8 + " end",
]


def long_report(words):
    base = ("The lungs are clear without focal consolidation, effusion, or pneumothorax. "
            "Heart size is normal. There is no acute osseous abnormality. ")
    out = []
    while len(" ".join(out).split()) < words:
        out.append(base)
    return " ".join(out)


LONG = [
    long_report(60),     # past CLIP's 77 tokens
    long_report(300),    # past BERT's 256
    "word " * 75,         # CLIP: exactly at the limit region
    "word " * 76,
    "word " * 254,
    "word " * 255,
]


def prompts():
    return [t.format(c) for t in TEMPLATES for c in CLASSES]


def corpus():
    """All strings with a stable order (duplicates removed)."""
    seen, out = set(), []
    for s in (RADIOLOGY + PATHOLOGY + prompts() + NUMBERS_UNITS + PUNCTUATION + SCRIPTS + WHITESPACE_HTML
              + FTFY_CASES + EDGE + LONG):
        if s not in seen:
            seen.add(s)
            out.append(s)
    return out
