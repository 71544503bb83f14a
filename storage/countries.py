"""The countries the platform knows by name, and where a free-text job location is.

A job's ``country`` is what the public board's country filter matches (the whole name, case
aside). A job placed by a free-text ``location`` alone gets a country only when the location's
last comma-separated part names one of these countries (or a common other name for it, which is
stored as the name below), so that the board's filter finds it under the name a job seeker types.
"""

from __future__ import annotations

from dataclasses import dataclass

from storage.text import strip

# English short names, as a job seeker would type them into the board's country filter.
COUNTRY_NAMES: tuple[str, ...] = (
    "Afghanistan", "Albania", "Algeria", "Andorra", "Angola", "Antigua and Barbuda", "Argentina",
    "Armenia", "Australia", "Austria", "Azerbaijan", "Bahamas", "Bahrain", "Bangladesh",
    "Barbados", "Belarus", "Belgium", "Belize", "Benin", "Bhutan", "Bolivia",
    "Bosnia and Herzegovina", "Botswana", "Brazil", "Brunei", "Bulgaria", "Burkina Faso",
    "Burundi", "Cambodia", "Cameroon", "Canada", "Cape Verde", "Central African Republic", "Chad",
    "Chile", "China", "Colombia", "Comoros", "Congo", "Costa Rica", "Croatia", "Cuba", "Cyprus",
    "Czechia", "Democratic Republic of the Congo", "Denmark", "Djibouti", "Dominica",
    "Dominican Republic", "Ecuador", "Egypt", "El Salvador", "Equatorial Guinea", "Eritrea",
    "Estonia", "Eswatini", "Ethiopia", "Fiji", "Finland", "France", "Gabon", "Gambia", "Georgia",
    "Germany", "Ghana", "Greece", "Grenada", "Guatemala", "Guinea", "Guinea-Bissau", "Guyana",
    "Haiti", "Honduras", "Hong Kong", "Hungary", "Iceland", "India", "Indonesia", "Iran", "Iraq",
    "Ireland", "Israel", "Italy", "Ivory Coast", "Jamaica", "Japan", "Jordan", "Kazakhstan",
    "Kenya", "Kiribati", "Kosovo", "Kuwait", "Kyrgyzstan", "Laos", "Latvia", "Lebanon", "Lesotho",
    "Liberia", "Libya", "Liechtenstein", "Lithuania", "Luxembourg", "Macau", "Madagascar",
    "Malawi", "Malaysia", "Maldives", "Mali", "Malta", "Marshall Islands", "Mauritania",
    "Mauritius", "Mexico", "Micronesia", "Moldova", "Monaco", "Mongolia", "Montenegro", "Morocco",
    "Mozambique", "Myanmar", "Namibia", "Nauru", "Nepal", "Netherlands", "New Zealand",
    "Nicaragua", "Niger", "Nigeria", "North Korea", "North Macedonia", "Norway", "Oman",
    "Pakistan", "Palau", "Palestine", "Panama", "Papua New Guinea", "Paraguay", "Peru",
    "Philippines", "Poland", "Portugal", "Puerto Rico", "Qatar", "Romania", "Russia", "Rwanda",
    "Saint Kitts and Nevis", "Saint Lucia", "Saint Vincent and the Grenadines", "Samoa",
    "San Marino", "Sao Tome and Principe", "Saudi Arabia", "Senegal", "Serbia", "Seychelles",
    "Sierra Leone", "Singapore", "Slovakia", "Slovenia", "Solomon Islands", "Somalia",
    "South Africa", "South Korea", "South Sudan", "Spain", "Sri Lanka", "Sudan", "Suriname",
    "Sweden", "Switzerland", "Syria", "Taiwan", "Tajikistan", "Tanzania", "Thailand",
    "Timor-Leste", "Togo", "Tonga", "Trinidad and Tobago", "Tunisia", "Turkey", "Turkmenistan",
    "Tuvalu", "Uganda", "Ukraine", "United Arab Emirates", "United Kingdom", "United States",
    "Uruguay", "Uzbekistan", "Vanuatu", "Vatican City", "Venezuela", "Vietnam", "Yemen", "Zambia",
    "Zimbabwe",
)  # fmt: skip

# Other names in common use -> the name above they stand for.
OTHER_NAMES: dict[str, str] = {
    "UK": "United Kingdom",
    "U.K.": "United Kingdom",
    "Great Britain": "United Kingdom",
    "Britain": "United Kingdom",
    "England": "United Kingdom",
    "Scotland": "United Kingdom",
    "Wales": "United Kingdom",
    "Northern Ireland": "United Kingdom",
    "US": "United States",
    "U.S.": "United States",
    "USA": "United States",
    "U.S.A.": "United States",
    "United States of America": "United States",
    "UAE": "United Arab Emirates",
    "U.A.E.": "United Arab Emirates",
    "KSA": "Saudi Arabia",
    "Czech Republic": "Czechia",
    "The Netherlands": "Netherlands",
    "Holland": "Netherlands",
    "Republic of Ireland": "Ireland",
    "Korea": "South Korea",
    "Republic of Korea": "South Korea",
    "Côte d'Ivoire": "Ivory Coast",
    "Cote d'Ivoire": "Ivory Coast",
    "Türkiye": "Turkey",
    "Turkiye": "Turkey",
    "Viet Nam": "Vietnam",
    "Burma": "Myanmar",
    "Swaziland": "Eswatini",
    "Cabo Verde": "Cape Verde",
    "East Timor": "Timor-Leste",
    "DRC": "Democratic Republic of the Congo",
    "DR Congo": "Democratic Republic of the Congo",
    "Republic of the Congo": "Congo",
    "Macedonia": "North Macedonia",
    "Russian Federation": "Russia",
}


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


_BY_KEY: dict[str, str] = {
    **{_key(name): name for name in COUNTRY_NAMES},
    **{_key(other): name for other, name in OTHER_NAMES.items()},
}


def country_named(text: str) -> str | None:
    """The known country ``text`` names (case and spacing aside), or None."""
    return _BY_KEY.get(_key(strip(text)))


@dataclass(frozen=True)
class Place:
    """What a free-text location says of a job's city and country (None: it does not say)."""

    city: str | None
    country: str | None


def place_of(location: str) -> Place:
    """The city and country of ``location`` (``"Lagos, Nigeria"``, ``"Berlin, Germany"``).

    Only a location whose last comma-separated part names a known country has a place: the
    country is that country's name, the city the first part (none when the country stands
    alone). Anything else (``"Remote"``, ``"Lagos"``, ``"Lagos, Atlantis"``) has neither.
    """
    parts = [strip(part) for part in location.split(",")]
    country = country_named(parts[-1])
    if country is None:
        return Place(city=None, country=None)
    city = parts[0] if len(parts) > 1 and parts[0] else None
    return Place(city=city, country=country)
