"""The procedures file next to the config, and the demo one."""

from __future__ import annotations

from pathlib import Path

import pytest

from config import load_config
from config.procedures import ProceduresError, load_procedures, procedures_for, procedures_path

ROOT = Path(__file__).resolve().parents[2]


def test_the_demo_config_has_real_procedures_for_every_field(config):
    assert procedures_path(config) == ROOT / "config" / "demo.procedures.toml"
    book = procedures_for(config)
    for f in config.fields:
        procs = book.for_field(f.id)
        assert len(procs) >= 2, f.id
        for p in procs:
            assert p.name and p.documents and p.processing_time and p.fee, p
        en = book.for_field(f.id, "en")
        assert all(p.name and p.name != v.name for p, v in zip(en, procs, strict=True))
    khai_sinh = book.for_field("ho-tich")[0]
    assert khai_sinh.name == "Đăng ký khai sinh"
    assert any("Giấy chứng sinh" in d for d in khai_sinh.documents)


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "x.procedures.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_english_falls_back_to_vietnamese(tmp_path):
    book = load_procedures(write(tmp_path, '[[procedures]]\nfield = "a"\nname = "Chứng thực"\n'
                                           'fee = "10.000 đồng"\n'))
    (p,) = book.for_field("a", "en")
    assert (p.name, p.fee, p.documents) == ("Chứng thực", "10.000 đồng", ())
    assert book.for_field("b") == ()


def test_a_missing_file_is_an_empty_book(tmp_path):
    assert len(load_procedures(tmp_path / "none.toml")) == 0


@pytest.mark.parametrize(("text", "where"), [
    ('[[procedures]]\nfield = "ho-tich"\nname = "X"\ncost = 1\n', "procedures[0].cost"),
    ('[[procedures]]\nfield = "ho-tich"\n', "procedures[0].name"),
    ('[[procedures]]\nfield = "nope"\nname = "X"\n', "unknown field 'nope'"),
    ('[[procedure]]\nfield = "ho-tich"\nname = "X"\n', "unknown key(s) procedure"),
    ('procedures = 3\n', "must be a list"),
    ('[[procedures]\n', "not valid TOML"),
])
def test_bad_files_name_the_problem(tmp_path, text, where):
    with pytest.raises(ProceduresError) as err:
        load_procedures(write(tmp_path, text), field_ids={"ho-tich"})
    assert where in str(err.value)
    assert "\n" not in str(err.value)


def test_a_config_elsewhere_looks_next_to_itself(tmp_path):
    cfg_path = tmp_path / "xa-phu-hoa.toml"
    cfg_path.write_text((ROOT / "config" / "demo.toml").read_text(encoding="utf-8"), encoding="utf-8")
    cfg = load_config(cfg_path, env={"MOTCUA_DATA_DIR": str(tmp_path / "data")})
    assert procedures_path(cfg) == tmp_path / "xa-phu-hoa.procedures.toml"
    assert len(procedures_for(cfg)) == 0
