"""Numbers and ticket numbers read the Vietnamese way (pure functions, no audio).

Rules (northern standard, as announced in one-stop centres):

- 0-9: không, một, hai, ba, bốn, năm, sáu, bảy, tám, chín.
- 10-19: "mười" + unit; 15 is "mười lăm" (11 "mười một", 14 "mười bốn").
- 20-99: digit + "mươi" + unit, where 1 -> "mốt", 4 -> "tư", 5 -> "lăm"
  (21 "hai mươi mốt", 24 "hai mươi tư", 25 "hai mươi lăm").
- A zero tens digit after hundreds is "linh" (105 "một trăm linh năm").
- Inside a larger number an empty hundreds place is "không trăm"
  (1005 "một nghìn không trăm linh năm", 2010 "hai nghìn không trăm mười").
- Groups: nghìn (not "ngàn"), triệu, tỷ; an all-zero group after the first is skipped
  (1000005 "một triệu không trăm linh năm").
"""

from __future__ import annotations

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
_GROUPS = ("", "nghìn", "triệu", "tỷ")
MAX_NUMBER = 10 ** (3 * len(_GROUPS)) - 1

# Vietnamese names of letters used as ticket prefixes (A001, B001...).
LETTER_NAMES: dict[str, str] = {
    "A": "A", "Ă": "Á", "Â": "Ớ", "B": "Bê", "C": "Xê", "D": "Dê", "Đ": "Đê", "E": "E",
    "Ê": "Ê", "F": "Ép", "G": "Giê", "H": "Hát", "I": "I", "J": "Gi", "K": "Ca",
    "L": "E lờ", "M": "Em mờ", "N": "En nờ", "O": "O", "Ô": "Ô", "Ơ": "Ơ", "P": "Pê",
    "Q": "Quy", "R": "E rờ", "S": "Ét xì", "T": "Tê", "U": "U", "Ư": "Ư", "V": "Vê",
    "W": "Vê kép", "X": "Ích xì", "Y": "I dài", "Z": "Dét",
}


def _below_thousand(n: int, inner: bool) -> list[str]:
    """Words for 0 < n < 1000; ``inner`` when a higher group precedes (reads "không trăm")."""
    hundreds, rest = divmod(n, 100)
    tens, unit = divmod(rest, 10)
    words: list[str] = []
    if hundreds or inner:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if unit:
            if words:
                words.append("linh")
            words.append(DIGITS[unit])
    elif tens == 1:
        words.append("mười")
        if unit:
            words.append("lăm" if unit == 5 else DIGITS[unit])
    else:
        words += [DIGITS[tens], "mươi"]
        if unit:
            words.append({1: "mốt", 4: "tư", 5: "lăm"}.get(unit, DIGITS[unit]))
    return words


def number_words(n: int) -> list[str]:
    """The words (syllables) of ``n`` read as a value, e.g. 21 -> ["hai", "mươi", "mốt"]."""
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"expected an int, got {type(n).__name__}")
    if not 0 <= n <= MAX_NUMBER:
        raise ValueError(f"{n} is outside 0..{MAX_NUMBER}")
    if n == 0:
        return [DIGITS[0]]
    groups: list[int] = []
    while n:
        n, g = divmod(n, 1000)
        groups.append(g)
    words: list[str] = []
    for index in range(len(groups) - 1, -1, -1):
        g = groups[index]
        if not g:
            continue
        words += _below_thousand(g, inner=bool(words))
        if _GROUPS[index]:
            words.append(_GROUPS[index])
    return words


def read_number(n: int) -> str:
    """``n`` in words: 1005 -> "một nghìn không trăm linh năm"."""
    return " ".join(number_words(n))


def digit_words(digits: str | int) -> list[str]:
    """One word per digit: "1005" -> ["một", "không", "không", "năm"]."""
    text = str(digits)
    if not text.isdigit() or not text.isascii():
        raise ValueError(f"{digits!r} is not a string of digits")
    return [DIGITS[int(d)] for d in text]


def read_digits(digits: str | int) -> str:
    """Digit by digit with short pauses: "1005" -> "một, không, không, năm"."""
    return ", ".join(digit_words(digits))


def split_ticket(number: str) -> tuple[str, str]:
    """Split a printed ticket number into (letter prefix, digits): "A005" -> ("A", "005")."""
    text = number.strip().upper()
    i = len(text)
    while i and text[i - 1].isascii() and text[i - 1].isdigit():
        i -= 1
    prefix, digits = text[:i], text[i:]
    if not 1 <= len(digits) <= 9 or len(prefix) > 3 or any(c not in LETTER_NAMES for c in prefix):
        raise ValueError(
            f"ticket number {number!r} must be 1 to 9 digits after at most 3 letters,"
            " like 1005 or A005"
        )
    return prefix, digits


def ticket_reads_digits(number: str, mode: str) -> bool:
    """Whether the digits of ``number`` are read one by one.

    Always in "digits" mode. In "words" mode a number with a letter prefix or a leading
    zero (A005, 007) is also read digit by digit, exactly as printed on the ticket;
    a plain number (1005) is read as a value.
    """
    prefix, digits = split_ticket(number)
    return mode == "digits" or bool(prefix) or (len(digits) > 1 and digits[0] == "0")


def read_ticket(number: str, mode: str = "words") -> str:
    """A printed ticket number as spoken: "1005" -> "một nghìn không trăm linh năm",
    "A005" -> "A, không, không, năm"; ``mode="digits"``: "1005" -> "một, không, không, năm"."""
    prefix, digits = split_ticket(number)
    parts = [LETTER_NAMES[c] for c in prefix]
    if ticket_reads_digits(number, mode):
        return ", ".join(parts + digit_words(digits))
    return ", ".join(parts + [read_number(int(digits))])
