"""Vietnamese number reading: values, digits, ticket numbers."""

import pytest

from display_server.voice.numbers import (
    digit_words,
    number_words,
    read_digits,
    read_number,
    read_ticket,
    split_ticket,
)

CASES = [
    (0, "không"),
    (1, "một"),
    (2, "hai"),
    (4, "bốn"),
    (5, "năm"),
    (7, "bảy"),
    (10, "mười"),
    (11, "mười một"),
    (14, "mười bốn"),
    (15, "mười lăm"),
    (19, "mười chín"),
    (20, "hai mươi"),
    (21, "hai mươi mốt"),
    (24, "hai mươi tư"),
    (25, "hai mươi lăm"),
    (30, "ba mươi"),
    (31, "ba mươi mốt"),
    (44, "bốn mươi tư"),
    (55, "năm mươi lăm"),
    (99, "chín mươi chín"),
    (100, "một trăm"),
    (101, "một trăm linh một"),
    (104, "một trăm linh bốn"),
    (105, "một trăm linh năm"),
    (110, "một trăm mười"),
    (111, "một trăm mười một"),
    (114, "một trăm mười bốn"),
    (115, "một trăm mười lăm"),
    (121, "một trăm hai mươi mốt"),
    (124, "một trăm hai mươi tư"),
    (125, "một trăm hai mươi lăm"),
    (200, "hai trăm"),
    (999, "chín trăm chín mươi chín"),
    (1000, "một nghìn"),
    (1001, "một nghìn không trăm linh một"),
    (1005, "một nghìn không trăm linh năm"),
    (1010, "một nghìn không trăm mười"),
    (1015, "một nghìn không trăm mười lăm"),
    (1021, "một nghìn không trăm hai mươi mốt"),
    (1100, "một nghìn một trăm"),
    (1105, "một nghìn một trăm linh năm"),
    (1999, "một nghìn chín trăm chín mươi chín"),
    (2010, "hai nghìn không trăm mười"),
    (2024, "hai nghìn không trăm hai mươi tư"),
    (5000, "năm nghìn"),
    (9999, "chín nghìn chín trăm chín mươi chín"),
    (10000, "mười nghìn"),
    (10005, "mười nghìn không trăm linh năm"),
    (15000, "mười lăm nghìn"),
    (21000, "hai mươi mốt nghìn"),
    (100005, "một trăm nghìn không trăm linh năm"),
    (105000, "một trăm linh năm nghìn"),
    (999999, "chín trăm chín mươi chín nghìn chín trăm chín mươi chín"),
    (1000000, "một triệu"),
    (1000005, "một triệu không trăm linh năm"),
]


@pytest.mark.parametrize(("n", "expected"), CASES)
def test_read_number(n, expected):
    assert read_number(n) == expected


def test_table_is_big_enough():
    assert len(CASES) >= 40


def test_never_ngan_and_mot_tu_lam_only_after_muoi():
    for n in range(0, 3000):
        words = number_words(n)
        assert "ngàn" not in words
        for i, w in enumerate(words):
            if w in ("mốt", "tư"):
                assert words[i - 1] == "mươi", (n, words)
            if w == "lăm":
                assert words[i - 1] in ("mười", "mươi"), (n, words)


@pytest.mark.parametrize("bad", [-1, 10**12])
def test_out_of_range(bad):
    with pytest.raises(ValueError):
        read_number(bad)


def test_not_an_int():
    with pytest.raises(TypeError):
        read_number("12")


@pytest.mark.parametrize(
    ("digits", "expected"),
    [
        ("1005", "một, không, không, năm"),
        ("0", "không"),
        ("24", "hai, bốn"),
        (9876543210, "chín, tám, bảy, sáu, năm, bốn, ba, hai, một, không"),
    ],
)
def test_read_digits(digits, expected):
    assert read_digits(digits) == expected


def test_digit_words_rejects_non_digits():
    with pytest.raises(ValueError):
        digit_words("1a")


@pytest.mark.parametrize(
    ("ticket", "mode", "expected"),
    [
        ("1005", "words", "một nghìn không trăm linh năm"),
        ("1005", "digits", "một, không, không, năm"),
        ("A005", "words", "A, không, không, năm"),
        ("a005", "words", "A, không, không, năm"),
        ("B123", "words", "Bê, một, hai, ba"),
        ("C1", "digits", "Xê, một"),
        ("Đ07", "words", "Đê, không, bảy"),
        ("007", "words", "không, không, bảy"),
        ("0", "words", "không"),
        ("21", "words", "hai mươi mốt"),
        (" 3024 ", "words", "ba nghìn không trăm hai mươi tư"),
    ],
)
def test_read_ticket(ticket, mode, expected):
    assert read_ticket(ticket, mode) == expected


@pytest.mark.parametrize("bad", ["", "A", "10x5", "ABCD1", "A-01", "1234567890", "１２"])
def test_bad_ticket_numbers(bad):
    with pytest.raises(ValueError, match="like 1005 or A005"):
        split_ticket(bad)
