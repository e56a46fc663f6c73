"""Country names and codes of the event datasets, as ISO 3166-1 alpha-3 codes.

ACLED gives an ISO numeric code (``iso``; ``iso3`` in exports before March 2023) and an
English name; its c.2017 exports and UCDP GED give Gleditsch–Ward numbers (``GWNO``,
``country_id``) and names, UCDP sometimes with a former name in brackets ("Yemen (North
Yemen)"); GTD gives names (``country_txt``). Names are resolved with ``pycountry`` plus the
spellings below that it does not know; Gleditsch–Ward numbers only for the states of the
region and their neighbours. Each function returns ``""`` when it cannot tell.
"""

from __future__ import annotations

import re

import pycountry

ISO3 = re.compile(r"^[A-Z]{3}$")

#: Spellings used by ACLED, UCDP or GTD that pycountry does not resolve (casefolded keys).
NAME_ALIASES: dict[str, str] = {
    "turkey": "TUR",
    "russia": "RUS",
    "soviet union": "RUS",
    "ivory coast": "CIV",
    "cote d'ivoire": "CIV",
    "democratic republic of congo": "COD",
    "democratic republic of the congo": "COD",
    "dr congo": "COD",
    "zaire": "COD",
    "republic of congo": "COG",
    "republic of the congo": "COG",
    "people's republic of the congo": "COG",
    "congo": "COG",
    "palestine": "PSE",
    "west bank and gaza strip": "PSE",
    "cape verde": "CPV",
    "kosovo": "XKX",
    "macedonia": "MKD",
    "brunei": "BRN",
    "micronesia": "FSM",
    "swaziland": "SWZ",
    "kingdom of eswatini": "SWZ",
    "bosnia-herzegovina": "BIH",
    "rhodesia": "ZWE",
    "burma": "MMR",
    "kampuchea": "KHM",
    "east timor": "TLS",
    "north yemen": "YEM",
    "south yemen": "YEM",
    "yugoslavia": "SRB",
    "serbia-montenegro": "SRB",
    "west germany (frg)": "DEU",
    "east germany (gdr)": "DEU",
    "vatican city": "VAT",
    "great britain": "GBR",
    "united states of america": "USA",
}

#: Gleditsch–Ward state numbers of North Africa, the Sahel and their neighbours.
GLEDITSCH_WARD: dict[int, str] = {
    432: "MLI",
    433: "SEN",
    434: "BEN",
    435: "MRT",
    436: "NER",
    437: "CIV",
    438: "GIN",
    439: "BFA",
    450: "LBR",
    451: "SLE",
    452: "GHA",
    461: "TGO",
    471: "CMR",
    475: "NGA",
    481: "GAB",
    482: "CAF",
    483: "TCD",
    484: "COG",
    490: "COD",
    500: "UGA",
    501: "KEN",
    520: "SOM",
    522: "DJI",
    530: "ETH",
    531: "ERI",
    600: "MAR",
    615: "DZA",
    616: "TUN",
    620: "LBY",
    625: "SDN",
    626: "SSD",
    630: "IRN",
    640: "TUR",
    645: "IRQ",
    651: "EGY",
    652: "SYR",
    660: "LBN",
    663: "JOR",
    666: "ISR",
    670: "SAU",
    678: "YEM",
    679: "YEM",
}

_BRACKETS = re.compile(r"\s*\([^)]*\)\s*$")


def iso3_from_name(name: object) -> str:
    """ISO3 code of a country name, or ``""``."""
    text = str(name).strip()
    if not text:
        return ""
    for candidate in (text, _BRACKETS.sub("", text)):
        alias = NAME_ALIASES.get(candidate.casefold())
        if alias:
            return alias
        try:
            return str(pycountry.countries.lookup(candidate).alpha_3)
        except LookupError:
            continue
    return ""


def _whole_number(code: object) -> int | None:
    text = str(code).strip()
    try:
        number = float(text)
    except ValueError:
        return None
    return int(number) if number.is_integer() else None


def iso3_from_numeric(code: object) -> str:
    """ISO3 code of an ISO 3166-1 numeric code (``"788"``, ``"12"``, ``"12.0"``), or ``""``."""
    number = _whole_number(code)
    if number is None or not 0 < number < 1000:
        return ""
    country = pycountry.countries.get(numeric=f"{number:03d}")
    return str(country.alpha_3) if country is not None else ""


def iso3_from_gleditsch_ward(code: object) -> str:
    """ISO3 code of a Gleditsch–Ward state number of the region, or ``""``."""
    number = _whole_number(code)
    return GLEDITSCH_WARD.get(number, "") if number is not None else ""


def iso3_code(code: object) -> str:
    """``code`` if it is already an upper-case ISO3 code, else ``""``."""
    text = str(code).strip()
    return text if ISO3.match(text) else ""
