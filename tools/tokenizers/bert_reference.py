"""A faithful stand-alone mirror of Hugging Face's slow BERT tokenizer, for fixtures (transformers is not installed).

Mirrors, step for step:
  src/transformers/models/bert/tokenization_bert.py  load_vocab, whitespace_tokenize, BasicTokenizer,
                                                     WordpieceTokenizer, BertTokenizer._tokenize,
                                                     convert_tokens_to_string, build_inputs_with_special_tokens
  src/transformers/tokenization_utils.py             _is_whitespace, _is_control, _is_punctuation,
                                                     PreTrainedTokenizer.tokenize (lower-casing outside special
                                                     tokens, split on special tokens, strip around them)
  src/transformers/tokenization_utils_base.py        truncation=True (longest_first) to max_length, padding
                                                     'max_length', clean_up_tokenization
"""
import collections
import re
import unicodedata

SPECIALS = ["[UNK]", "[SEP]", "[PAD]", "[CLS]", "[MASK]"]  # all_special_tokens order


def whitespace_tokenize(text):
    text = text.strip()
    if not text:
        return []
    return text.split()


def _is_whitespace(char):
    if char == " " or char == "\t" or char == "\n" or char == "\r":
        return True
    return unicodedata.category(char) == "Zs"


def _is_control(char):
    if char == "\t" or char == "\n" or char == "\r":
        return False
    return unicodedata.category(char).startswith("C")


def _is_punctuation(char):
    cp = ord(char)
    if (33 <= cp <= 47) or (58 <= cp <= 64) or (91 <= cp <= 96) or (123 <= cp <= 126):
        return True
    return unicodedata.category(char).startswith("P")


class BasicTokenizer:
    def __init__(self, do_lower_case=True, never_split=None, tokenize_chinese_chars=True, strip_accents=None):
        self.do_lower_case = do_lower_case
        self.never_split = set(never_split or [])
        self.tokenize_chinese_chars = tokenize_chinese_chars
        self.strip_accents = strip_accents

    def tokenize(self, text, never_split=None):
        never_split = self.never_split.union(set(never_split)) if never_split else self.never_split
        text = self._clean_text(text)
        if self.tokenize_chinese_chars:
            text = self._tokenize_chinese_chars(text)
        orig_tokens = whitespace_tokenize(text)
        split_tokens = []
        for token in orig_tokens:
            if token not in never_split:
                if self.do_lower_case:
                    token = token.lower()
                    if self.strip_accents is not False:
                        token = self._run_strip_accents(token)
                elif self.strip_accents:
                    token = self._run_strip_accents(token)
            split_tokens.extend(self._run_split_on_punc(token, never_split))
        return whitespace_tokenize(" ".join(split_tokens))

    def _run_strip_accents(self, text):
        text = unicodedata.normalize("NFD", text)
        return "".join(c for c in text if unicodedata.category(c) != "Mn")

    def _run_split_on_punc(self, text, never_split=None):
        if never_split is not None and text in never_split:
            return [text]
        output, start_new_word = [], True
        for char in text:
            if _is_punctuation(char):
                output.append([char])
                start_new_word = True
            else:
                if start_new_word:
                    output.append([])
                start_new_word = False
                output[-1].append(char)
        return ["".join(x) for x in output]

    def _tokenize_chinese_chars(self, text):
        out = []
        for char in text:
            if self._is_chinese_char(ord(char)):
                out += [" ", char, " "]
            else:
                out.append(char)
        return "".join(out)

    @staticmethod
    def _is_chinese_char(cp):
        return ((0x4E00 <= cp <= 0x9FFF) or (0x3400 <= cp <= 0x4DBF) or (0x20000 <= cp <= 0x2A6DF)
                or (0x2A700 <= cp <= 0x2B73F) or (0x2B740 <= cp <= 0x2B81F) or (0x2B820 <= cp <= 0x2CEAF)
                or (0xF900 <= cp <= 0xFAFF) or (0x2F800 <= cp <= 0x2FA1F))

    def _clean_text(self, text):
        out = []
        for char in text:
            cp = ord(char)
            if cp == 0 or cp == 0xFFFD or _is_control(char):
                continue
            out.append(" " if _is_whitespace(char) else char)
        return "".join(out)


class WordpieceTokenizer:
    def __init__(self, vocab, unk_token, max_input_chars_per_word=100):
        self.vocab = vocab
        self.unk_token = unk_token
        self.max_input_chars_per_word = max_input_chars_per_word

    def tokenize(self, text):
        output_tokens = []
        for token in whitespace_tokenize(text):
            chars = list(token)
            if len(chars) > self.max_input_chars_per_word:
                output_tokens.append(self.unk_token)
                continue
            is_bad, start, sub_tokens = False, 0, []
            while start < len(chars):
                end, cur_substr = len(chars), None
                while start < end:
                    substr = "".join(chars[start:end])
                    if start > 0:
                        substr = "##" + substr
                    if substr in self.vocab:
                        cur_substr = substr
                        break
                    end -= 1
                if cur_substr is None:
                    is_bad = True
                    break
                sub_tokens.append(cur_substr)
                start = end
            output_tokens.extend([self.unk_token] if is_bad else sub_tokens)
        return output_tokens


class BertTokenizerReference:
    def __init__(self, vocab, do_lower_case=True):
        self.vocab = vocab
        self.ids_to_tokens = collections.OrderedDict((i, t) for t, i in vocab.items())
        self.do_lower_case = do_lower_case
        self.basic_tokenizer = BasicTokenizer(do_lower_case=do_lower_case)
        self.wordpiece_tokenizer = WordpieceTokenizer(vocab, "[UNK]")

    # PreTrainedTokenizer.tokenize
    def tokenize(self, text):
        if self.do_lower_case:
            pattern = r"(" + r"|".join(re.escape(s) for s in SPECIALS) + r")|" + r"(.+?)"
            text = re.sub(pattern, lambda m: m.groups()[0] or m.groups()[1].lower(), text)
        tokens = self._split_on_specials(text)
        for i, token in enumerate(tokens):
            if token in SPECIALS:
                if i + 1 < len(tokens) and tokens[i + 1]:
                    tokens[i + 1] = tokens[i + 1].lstrip()
                if i > 0 and tokens[i - 1]:
                    tokens[i - 1] = tokens[i - 1].rstrip()
        out = []
        for token in tokens:
            if not token:
                continue
            if token in SPECIALS:
                out.append(token)
            else:
                out.extend(self._tokenize(token))
        return out

    @staticmethod
    def _split_on_specials(text):
        # Trie.split for these five tokens (none is a prefix of another): leftmost matches, text kept between.
        parts = re.split("(" + "|".join(re.escape(s) for s in SPECIALS) + ")", text)
        return [p for p in parts if p != ""]

    # BertTokenizer._tokenize
    def _tokenize(self, text):
        split_tokens = []
        for token in self.basic_tokenizer.tokenize(text, never_split=SPECIALS):
            if token in self.basic_tokenizer.never_split:
                split_tokens.append(token)
            else:
                split_tokens += self.wordpiece_tokenizer.tokenize(token)
        return split_tokens

    def convert_tokens_to_ids(self, tokens):
        return [self.vocab.get(t, self.vocab.get("[UNK]")) for t in tokens]

    def encode_row(self, text, max_length):
        """tokenizer(text, max_length=..., truncation=True, padding='max_length'): ids up to [SEP], truncated."""
        ids = self.convert_tokens_to_ids(self.tokenize(text))
        truncated = len(ids) + 2 > max_length
        if truncated:
            ids = ids[:max_length - 2]
        return [self.vocab["[CLS]"]] + ids + [self.vocab["[SEP]"]], truncated

    def decode(self, ids):
        tokens = [self.ids_to_tokens.get(i, "[UNK]") for i in ids]
        text = " ".join(tokens).replace(" ##", "").strip()
        return (text.replace(" .", ".").replace(" ?", "?").replace(" !", "!").replace(" ,", ",").replace(" ' ", "'")
                .replace(" n't", "n't").replace(" 'm", "'m").replace(" 's", "'s").replace(" 've", "'ve")
                .replace(" 're", "'re"))


# Frequent English and clinical words, so that ordinary text mostly maps to whole words.
COMMON_WORDS = """the of and to in is was for with on as by at from or an be are this that which no not there
without within between after before into than other than more less left right upper lower both small large
patient patients history finding findings impression evidence normal abnormal mild moderate severe acute chronic
lung lungs heart chest brain liver kidney renal bone spine breast skin tissue cell cells lesion lesions mass nodule
tumor cancer carcinoma disease image images scan photo showing shows seen noted consistent suggest likely unlikely
change changes stable new prior size measuring measures cm mm ml mg dl grade type positive negative present absent
effusion consolidation opacity opacities edema fracture infection inflammation hemorrhage infarct contrast
radiograph ultrasound mri ct pet xray ray view views axial sagittal coronal weighted signal density process
lobe base apex wall margin margins node nodes lymph vessel artery vein tube line catheter valve""".split()


def build_vocab(texts):
    """A small WordPiece vocabulary: specials, characters, frequent words, and frequent word pieces.

    A few characters are deliberately left out so that [UNK] occurs."""
    basic = BasicTokenizer(do_lower_case=True)
    words = collections.Counter()
    for t in texts:
        words.update(basic.tokenize(t))
    excluded = {"😀", "🫁", "ไ", "한", "💩", "ǆ"}
    chars = sorted({c for w in words for c in w} - excluded)
    vocab = ["[PAD]"] + [f"[unused{i}]" for i in range(10)] + ["[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    vocab += chars + ["##" + c for c in chars]
    frequent = sorted((w for w, n in words.items() if n >= 2 and len(w) > 1), key=lambda w: (-words[w], w))
    vocab += frequent + COMMON_WORDS
    pieces = collections.Counter()
    for w, n in words.items():
        if n >= 2 or len(w) < 4:
            continue
        for k in range(2, min(7, len(w))):
            pieces[w[:k]] += 1
        for k in range(1, min(6, len(w) - 1)):
            pieces["##" + w[-k:]] += 1
    vocab += sorted((p for p, n in pieces.items() if n >= 2), key=lambda p: (-pieces[p], p))
    seen, out = set(), []
    for v in vocab:
        if v not in seen:
            seen.add(v)
            out.append(v)
    return out


def tokenizer_json(vocab):
    """The same tokenizer as Hugging Face's BertTokenizerFast would save it (tokenizers' JSON layout)."""
    index = {t: i for i, t in enumerate(vocab)}
    specials = [{"id": index[t], "content": t, "single_word": False, "lstrip": False, "rstrip": False,
                 "normalized": False, "special": True} for t in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]]
    return {
        "version": "1.0", "truncation": None, "padding": None, "added_tokens": specials,
        "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                       "strip_accents": None, "lowercase": True},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                       {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": "[SEP]", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}},
                     {"SpecialToken": {"id": "[SEP]", "type_id": 1}}],
            "special_tokens": {t: {"id": t, "ids": [index[t]], "tokens": [t]} for t in ["[CLS]", "[SEP]"]},
        },
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                  "max_input_chars_per_word": 100, "vocab": index},
    }
