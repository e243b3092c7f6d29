"""The one copy of the mobile-number rule (shequ_volunteer/phones.py)."""
import pytest

from shequ_volunteer.phones import ascii_digits, is_mobile, normalise_phone, phone_search


@pytest.mark.parametrize("typed, stored", [
    ("138 1234 5678", "13812345678"),
    ("138-1234-5678", "13812345678"),
    ("１３８１２３４５６７８", "13812345678"),
    (" 13812345678 ", "13812345678"),
    ("1381234567", "1381234567"),        # too short: kept as typed for the error message
    ("12812345678", "12812345678"),      # no mobile starts with 12
    ("١٣٨١٢٣٤٥٦٧٨", "١٣٨١٢٣٤٥٦٧٨"),      # Arabic-Indic digits are not a phone number
])
def test_phones_as_keyboards_type_them(typed, stored):
    assert normalise_phone(typed) == stored
    assert is_mobile(normalise_phone(typed)) == (stored == "13812345678")


def test_full_width_digits_and_point():
    assert ascii_digits("１２．５元") == "12.5元"


@pytest.mark.parametrize("typed, searched", [
    ("138 0000 0003", "13800000003"),
    ("+86 138-0000-0003", "13800000003"),
    ("0086 13800000003", "13800000003"),
    ("１３８　００００　０００３", "13800000003"),   # full-width digits and space
    ("0000 0003", "00000003"),                        # part of a number: spaces and dashes go
    ("00-03", "0003"),
    ("0003", "0003"),
    ("孙阿姨", None),                                 # a name
    ("王 3", None),
    ("-", None),
    ("", None),
])
def test_a_search_typed_as_a_phone_number(typed, searched):
    assert phone_search(typed) == searched
