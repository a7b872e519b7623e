#!/usr/bin/python3
"""Writes the reference token ids that MedFM's CLIP and BERT tokenizer tests compare against.

CLIP: the REAL open_clip SimpleTokenizer (src/open_clip/tokenizer.py of github:mlfoundations/open_clip), imported
from a checkout given with --open-clip-src (the folder holding open_clip/tokenizer.py and its
bpe_simple_vocab_16e6.txt.gz). It imports ftfy and regex: python3-regex is a Debian package; ftfy is not, so
either pass --ftfy-src (a folder holding the ftfy package of github:rspeer/python-ftfy; it needs Debian's
python3-wcwidth) to run the real ftfy, or the script installs a stand-in module whose fix_text is the identity.
The committed fixtures were made with the real ftfy 6.3.1. With the stand-in, the FTFY_CASES strings are left out,
and the expected ids of the few other strings that ftfy changes (HTML entities, control characters, U+3000, CRLF;
text_cleaning.json marks them) would follow the stand-in, not open_clip.

BERT: no `transformers` here, so `bert_reference.py` beside this script is a line-by-line mirror of Hugging Face's
BasicTokenizer, WordpieceTokenizer and the PreTrainedTokenizer.tokenize steps around them
(src/transformers/models/bert/tokenization_bert.py, src/transformers/tokenization_utils.py); the vocabulary is a
small one built here from the corpus (tests/Fixtures/tokenizers/bert_vocab.txt), also written as a tokenizer.json.

Usage:
  /usr/bin/python3 tools/tokenizers/make_fixtures.py --open-clip-src CHECKOUT/src [--ftfy-src FTFY_CHECKOUT]
Writes tests/Fixtures/tokenizers/{clip_bpe16e6.json, clip_small_merges.txt, clip_small.json, bert_vocab.txt,
bert_tokenizer.json, bert_wordpiece.json, text_cleaning.json}.
"""
import argparse
import collections
import gzip
import html
import importlib.util
import json
import os
import sys
import tempfile
import types
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import corpus as corpus_mod  # noqa: E402
import bert_reference as bert  # noqa: E402

OUT = os.path.join(HERE, "..", "..", "tests", "Fixtures", "tokenizers")
SMALL_MERGES = 2000


def install_ftfy(ftfy_src):
    if ftfy_src:
        sys.path.insert(0, ftfy_src)
        import ftfy  # noqa: F401
        return True
    shim = types.ModuleType("ftfy")
    shim.fix_text = lambda text, *a, **k: text  # identity stand-in: ftfy is not installed on this machine
    sys.modules["ftfy"] = shim
    print("warning: ftfy stand-in (identity) in use; FTFY_CASES are left out", file=sys.stderr)
    return False


def load_open_clip_tokenizer(src):
    path = os.path.join(src, "open_clip", "tokenizer.py")
    spec = importlib.util.spec_from_file_location("open_clip_tokenizer", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def trim_row(row, end_id):
    row = [int(x) for x in row]
    last = max(i for i, x in enumerate(row) if x == end_id)
    assert all(x == 0 for x in row[last + 1:]), "padding after the end token must be zeros"
    return row[:last + 1]


def clip_cases(tok_module, tokenizer, texts, context_length=77):
    cases = []
    for text in texts:
        row = tokenizer([text], context_length=context_length)[0].tolist()
        enc = tokenizer.encode(text)
        cases.append({
            "text": text,
            "row": trim_row(row, tokenizer.eot_token_id),
            "encode": enc,
            "truncated": len(enc) + 2 > context_length,
            "decode": tokenizer.decode(enc),
        })
    return cases


def write_json(name, obj):
    path = os.path.join(OUT, name)
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        json.dump(obj, f, ensure_ascii=True, indent=None, separators=(",", ":"))
        f.write("\n")
    os.replace(tmp, path)
    print("wrote", path, os.path.getsize(path), "bytes")


def make_clip(tok_module, texts):
    full = tok_module.SimpleTokenizer()  # the vocabulary next to tokenizer.py
    cases = clip_cases(tok_module, full, texts)
    short = [{"text": t, "context_length": n, "row": trim_row(full([t], context_length=n)[0].tolist(), full.eot_token_id)}
             for t in corpus_mod.RADIOLOGY[:6] + ["", "word " * 20] for n in (2, 3, 5, 16)]
    modes = []
    for mode in ("whitespace", "canonicalize"):
        tok = tok_module.SimpleTokenizer(clean=mode)
        for t in texts[:400:3]:
            modes.append({"text": t, "clean": mode, "row": trim_row(tok([t])[0].tolist(), tok.eot_token_id)})
    # Decoding of id lists that are not whole words: split UTF-8 sequences, special ids, padding ids.
    enc_emoji = full.encode("😀 café")
    decode_cases = [enc_emoji[:1], enc_emoji[:2], enc_emoji[1:], [full.sot_token_id] + enc_emoji + [full.eot_token_id],
                    [0, 0, 0], [256, 257, 300, 511], list(range(600, 640)), [49405, 49406, 49407]]
    decodes = [{"ids": ids, "text": full.decode(ids)} for ids in decode_cases]
    write_json("clip_bpe16e6.json", {
        "vocabulary": "bpe_simple_vocab_16e6.txt.gz", "context_length": 77, "vocab_size": full.vocab_size,
        "sot": full.sot_token_id, "eot": full.eot_token_id,
        "cases": cases, "short_contexts": short, "clean_modes": modes, "decodes": decodes})

    # A small merges file (the first SMALL_MERGES merges, ending with a newline as the real file does).
    lines = gzip.open(tok_module.default_bpe()).read().decode("utf-8").split("\n")[:SMALL_MERGES + 1]
    text = "\n".join(lines) + "\n"
    with open(os.path.join(OUT, "clip_small_merges.txt"), "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    with tempfile.TemporaryDirectory() as d:
        gz = os.path.join(d, "small.txt.gz")
        with gzip.open(gz, "wb") as f:
            f.write(text.encode("utf-8"))
        small = tok_module.SimpleTokenizer(bpe_path=gz)
        write_json("clip_small.json", {
            "vocabulary": "clip_small_merges.txt", "merge_count": SMALL_MERGES, "vocab_size": small.vocab_size,
            "sot": small.sot_token_id, "eot": small.eot_token_id, "cases": clip_cases(tok_module, small, texts)})


def make_bert(texts, openclip_clean):
    vocab = bert.build_vocab(texts + corpus_mod.long_report(400).split())
    with open(os.path.join(OUT, "bert_vocab.txt"), "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(vocab) + "\n")
    write_json("bert_tokenizer.json", bert.tokenizer_json(vocab))
    index = {t: i for i, t in enumerate(vocab)}
    uncased = bert.BertTokenizerReference(index, do_lower_case=True)
    cased = bert.BertTokenizerReference(index, do_lower_case=False)
    cases = []
    for text in texts:
        row, truncated = uncased.encode_row(text, 256)
        wrapped = openclip_clean(text)
        row_oc, truncated_oc = uncased.encode_row(wrapped, 256)
        row_cased, _ = cased.encode_row(text, 256)
        cases.append({
            "text": text, "tokens": uncased.tokenize(text), "row": row, "truncated": truncated,
            "row_openclip": row_oc, "truncated_openclip": truncated_oc, "row_cased": row_cased,
            "decode": uncased.decode(row),
        })
    short = [{"text": t, "context_length": n, "row": uncased.encode_row(t, n)[0]}
             for t in corpus_mod.RADIOLOGY[:4] + [""] for n in (2, 3, 8)]
    write_json("bert_wordpiece.json", {"vocabulary": "bert_vocab.txt", "context_length": 256, "vocab_size": len(vocab),
                                       "cases": cases, "short_contexts": short})


def make_cleaning(texts, tok_module, real_ftfy):
    import ftfy
    rows = []
    for t in (t for t in texts if len(t) <= 400):
        rows.append({
            "text": t,
            "ftfy": ftfy.fix_text(t) if real_ftfy else None,
            "ftfy_changes": (ftfy.fix_text(t) != t) if real_ftfy else None,
            "basic_clean": tok_module.basic_clean(t),
            "lower": tok_module._clean_lower(t),
            "whitespace": tok_module._clean_whitespace(t),
            "canonicalize": tok_module._clean_canonicalize(t),
            "nfc": unicodedata.normalize("NFC", t),
            "nfd": unicodedata.normalize("NFD", t),
            "lower_py": t.lower(),
            "unescape": html.unescape(t),
        })
    write_json("text_cleaning.json", {"python": sys.version.split()[0], "unicode": unicodedata.unidata_version,
                                      "real_ftfy": real_ftfy, "cases": rows})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--open-clip-src", default=os.environ.get("OPEN_CLIP_SRC"), required=os.environ.get("OPEN_CLIP_SRC") is None)
    ap.add_argument("--ftfy-src", default=os.environ.get("FTFY_SRC"))
    args = ap.parse_args()
    real_ftfy = install_ftfy(args.ftfy_src)
    tok_module = load_open_clip_tokenizer(args.open_clip_src)
    texts = corpus_mod.corpus()
    if not real_ftfy:
        texts = [t for t in texts if t not in set(corpus_mod.FTFY_CASES)]
    print(len(texts), "strings")
    os.makedirs(OUT, exist_ok=True)
    make_clip(tok_module, texts)
    make_bert(texts, tok_module._clean_whitespace)
    make_cleaning(texts, tok_module, real_ftfy)


if __name__ == "__main__":
    main()
