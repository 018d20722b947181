"""Phrase text and clip lists built from the template."""

import pytest

from config.schema import VoiceConfig
from display_server.voice.clips import (
    NUMBER_CLIPS,
    PAUSE,
    WORD_CLIPS,
    letter_clip,
    missing_clips,
    required_clips,
    slug,
)
from display_server.voice.numbers import number_words
from display_server.voice.phrase import build_phrase, phrase_text

TEMPLATE = VoiceConfig().template


def test_default_phrase_words():
    assert phrase_text(TEMPLATE, "1005", 3) == (
        "Xin mời công dân có số thứ tự một nghìn không trăm linh năm đến quầy số ba"
    )


def test_default_phrase_digits_counter_in_words():
    assert phrase_text(TEMPLATE, "1005", 21, "digits") == (
        "Xin mời công dân có số thứ tự một, không, không, năm đến quầy số hai mươi mốt"
    )


def test_prefixed_ticket():
    assert phrase_text(TEMPLATE, "A005", 4) == (
        "Xin mời công dân có số thứ tự A, không, không, năm đến quầy số bốn"
    )


def test_other_template_without_counter():
    assert phrase_text("Mời số {number}", "15", 2) == "Mời số mười lăm"


def test_clips_of_default_phrase():
    phrase = build_phrase(TEMPLATE, "1005", 3)
    assert phrase.clips == (
        "xin-moi-cong-dan-co-so-thu-tu", "mot", "nghin", "khong", "tram", "linh", "nam",
        "den-quay-so", "ba",
    )


def test_clips_distinguish_mot_and_muoi_variants():
    phrase = build_phrase("{number}", "1121", 1)
    assert phrase.clips == ("mot", "nghin", "mot", "tram", "hai", "muoi-ngang", "mot-sac")
    assert build_phrase("{number}", "11", 1).clips == ("muoi", "mot")


def test_clips_digits_have_pauses_and_letters():
    phrase = build_phrase("{number}", "B07", 1)
    assert phrase.clips == ("chu-b", PAUSE, "khong", PAUSE, "bay")


def test_template_commas_become_pauses():
    phrase = build_phrase("Xin mời số {number}, đến quầy {counter}", "5", 2)
    assert phrase.clips == ("xin-moi-so", "nam", PAUSE, "den-quay", "hai")


def test_bad_ticket_raises():
    with pytest.raises(ValueError):
        build_phrase(TEMPLATE, "1?5", 1)


def test_slug_and_letters():
    assert slug("Xin mời công dân có số thứ tự ") == "xin-moi-cong-dan-co-so-thu-tu"
    assert slug(", đến quầy số ") == "den-quay-so"
    assert letter_clip("Đ") == "chu-dd"
    assert letter_clip("a") == "chu-a"


def test_number_clip_names_unique_and_cover_every_number_word():
    assert len(set(WORD_CLIPS.values())) == len(WORD_CLIPS)
    words = {w for n in list(range(0, 2200)) + [999_999, 21_000, 105_000] for w in number_words(n)}
    assert {WORD_CLIPS[w] for w in words} <= set(NUMBER_CLIPS)


def test_required_clips_default_template():
    names = required_clips(TEMPLATE, ["A", ""])
    assert names[:2] == ["xin-moi-cong-dan-co-so-thu-tu", "den-quay-so"]
    assert "chu-a" in names and "muoi-ngang" in names and "mot-sac" in names
    assert len(names) == len(set(names)) == 2 + 18 + 1


def test_missing_clips(tmp_path):
    for name in required_clips(TEMPLATE):
        (tmp_path / f"{name}.wav").write_bytes(b"")
    assert missing_clips(tmp_path, TEMPLATE) == []
    (tmp_path / "lam.wav").unlink()
    assert missing_clips(tmp_path, TEMPLATE, ["B"]) == ["lam.wav", "chu-b.wav"]


def test_docs_list_every_clip():
    import re
    from pathlib import Path

    from display_server.voice.numbers import LETTER_NAMES

    doc = Path(__file__).resolve().parents[2] / "docs" / "voice-clips.md"
    listed = set(re.findall(r"`([a-z0-9-]+)\.wav`", doc.read_text(encoding="utf-8")))
    needed = set(required_clips(TEMPLATE, ["".join(LETTER_NAMES)[i:i + 3]
                                           for i in range(0, len(LETTER_NAMES), 3)]))
    assert needed <= listed, sorted(needed - listed)
