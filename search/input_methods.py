"""Telex and VNI residue: what a shopper's keys produce when the Vietnamese input method is off.

`nuowcs mawms` (Telex) and `nu7o71c ma8m1` (VNI) are "nước mắm" typed with the keyboard in
plain-Latin mode; the marks are spelled out as letters or digits. `decode` turns one such
syllable back into the Vietnamese one. The search only uses a decoding when the typed word is
unknown to the catalog and the decoded one is known (search/segmentation.py), so an English or
brand word is never "decoded" by accident.
"""

from __future__ import annotations

import re
import unicodedata

VOWELS = "aăâeêioôơuưy"
# Telex tone keys and VNI tone digits → the combining tone mark.
TELEX_TONES = {"s": "\u0301", "f": "\u0300", "r": "\u0309", "x": "\u0303", "j": "\u0323"}
VNI_TONES = {"1": "\u0301", "2": "\u0300", "3": "\u0309", "4": "\u0303", "5": "\u0323"}
# Shape keys: Telex doubled letters / w, VNI digits 6 (circumflex), 7 (horn), 8 (breve), 9 (đ).
TELEX_DOUBLE = {"a": "â", "e": "ê", "o": "ô", "d": "đ"}
TELEX_W = {"a": "ă", "o": "ơ", "u": "ư"}
VNI_SHAPE = {
    "6": {"a": "â", "e": "ê", "o": "ô"},
    "7": {"o": "ơ", "u": "ư"},
    "8": {"a": "ă"},
    "9": {"d": "đ"},
}


# A Vietnamese syllable (tone marks removed, vowel shapes kept): onset, 1–3 vowels, coda.
_SYLLABLE_RE = re.compile(
    r"(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?"
    r"[aăâeêioôơuưy]{1,3}"
    r"(ch|ng|nh|[cmnpt])?"
)


def is_syllable(text: str) -> bool:
    """Whether `text` (lower case, any marks) is spelled like one Vietnamese syllable."""
    bare = "".join(
        c
        for c in unicodedata.normalize("NFD", text)
        if unicodedata.category(c) != "Mn" or c in "\u0306\u0302\u031b"
    )
    return _SYLLABLE_RE.fullmatch(unicodedata.normalize("NFC", bare)) is not None


def _tone_letter_index(word: str) -> int | None:
    # A Telex tone key is one of s/f/r/x/j *after* the first vowel: no Vietnamese final
    # consonant is spelled with them (so "sen", "xoai", "rau" keep their initials).
    seen_vowel = False
    found = None
    for index, char in enumerate(word):
        if char in "aeiouy":
            seen_vowel = True
        elif seen_vowel and char in TELEX_TONES:
            found = index
    return found


def decode(word: str) -> str | None:
    """The Vietnamese syllable a Telex/VNI-typed word stands for, or None if nothing changes.

    `nuowcs` → `nước`, `mawms` → `mắm`, `ddaauj` → `đậu`, `ma65t` → `mật`, `du7a2` → `dừa`.
    """
    if not word.isascii() or not word.isalnum():
        return None
    letters: list[str] = []
    tone = ""
    tone_at = _tone_letter_index(word) if not any(c.isdigit() for c in word) else None
    for index, char in enumerate(word):
        if index == tone_at:
            tone = TELEX_TONES[char]
            continue
        if char in VNI_TONES:
            tone = VNI_TONES[char]
            continue
        if char in VNI_SHAPE:
            _apply_shape(letters, VNI_SHAPE[char])
            continue
        if char == "w":
            if not _apply_w(letters):
                letters.append("ư")
            continue
        if letters and char in TELEX_DOUBLE and letters[-1] == char:
            letters[-1] = TELEX_DOUBLE[char]
            continue
        letters.append(char)
    decoded = "".join(letters)
    if tone:
        decoded = _place_tone(decoded, tone)
    decoded = unicodedata.normalize("NFC", decoded)
    if decoded == word or not decoded.isalpha() or not is_syllable(decoded):
        return None
    return decoded


def _apply_shape(letters: list[str], shapes: dict[str, str]) -> None:
    # VNI: the digit marks the nearest preceding letter it applies to ("nu7o7c": each 7 its own
    # vowel; "uo7" is the horn on both, as VNI keyboards do).
    for position in range(len(letters) - 1, -1, -1):
        letter = letters[position]
        if letter in shapes:
            letters[position] = shapes[letter]
            if letter == "o" and position > 0 and letters[position - 1] == "u" and "u" in shapes:
                letters[position - 1] = "ư"
            return


def _apply_w(letters: list[str]) -> bool:
    # Telex "w": horn or breve on the nearest a/o/u; "uow" → "ươ".
    for position in range(len(letters) - 1, -1, -1):
        letter = letters[position]
        if letter in TELEX_W:
            letters[position] = TELEX_W[letter]
            if letter == "o" and position > 0 and letters[position - 1] in "uư":
                letters[position - 1] = "ư"
            return True
        if letter in "ăâơưôê":
            return False
        if letter not in "aeiouy" and position < len(letters) - 1:
            break
    return False


def _place_tone(syllable: str, mark: str) -> str:
    """Put the tone mark on the vowel that carries it (the search compares tone keys, so any
    vowel of the nucleus would match; this one reads right)."""
    vowels = [i for i, c in enumerate(syllable) if c in VOWELS]
    if not vowels:
        return syllable
    shaped = [i for i in vowels if syllable[i] in "ăâêôơư"]
    if shaped:
        target = shaped[-1]
    elif len(vowels) >= 2 and vowels[-1] == len(syllable) - 1:
        target = vowels[-2]  # "hoa", "mua": the first of two open vowels
    else:
        target = vowels[-1]
    return syllable[: target + 1] + mark + syllable[target + 1 :]
