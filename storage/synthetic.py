"""Realistic synthetic candidate profiles, for the demo data and the search benchmark.

Deterministic for a given seed. Skills, titles and CV sentences are drawn per domain so that a
profile reads like one person's career (an HVAC engineer's CV talks about HVAC), and word
frequencies follow a long tail, as in real CV text: a few words are very common, most are rare.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

FIRST_NAMES = (
    "Priya Omar Sofia Liam Amara Chen Mateo Aisha Lukas Fatima Noah Yuki Elena Kwame Sara Ivan "
    "Maya Diego Leila Tomasz Grace Arjun Hana Samuel Zainab Oliver Mei Rafael Nadia Jonas Ines "
    "Kofi Anna Hamza Clara Ravi Julia Emre Lucia Daniel Amina Felix Rosa Tariq Emma Jamal Ingrid"
).split()
LAST_NAMES = (
    "Evans Khan Rossi Murphy Okafor Wang Garcia Rahman Muller Haddad Smith Tanaka Petrova Mensah "
    "Lindqvist Novak Patel Silva Nasser Kowalski Brown Sharma Kim Adeyemi Ali Jones Li Costa Aziz "
    "Weber Fernandes Boateng Jensen Yilmaz Romero Nguyen Ibrahim Schmidt Moreau Hussein Taylor"
).split()

# (city, calling code)
# fmt: off
CITIES = (
    ("London", 44), ("Manchester", 44), ("Edinburgh", 44), ("Dubai", 971), ("Abu Dhabi", 971),
    ("Berlin", 49), ("Munich", 49), ("Paris", 33), ("Lyon", 33), ("Madrid", 34), ("Barcelona", 34),
    ("Amsterdam", 31), ("Dublin", 353), ("Warsaw", 48), ("Lisbon", 351), ("Milan", 39),
    ("New York", 1), ("Austin", 1), ("Toronto", 1), ("Singapore", 65), ("Bangalore", 91),
    ("Lagos", 234), ("Nairobi", 254), ("Riyadh", 966), ("Doha", 974), ("Sydney", 61),
)

DOMAINS: dict[str, dict[str, tuple[str, ...]]] = {
    "software": {
        "titles": ("Software Engineer", "Backend Developer", "Frontend Developer",
                   "Full Stack Developer", "Platform Engineer", "Site Reliability Engineer",
                   "DevOps Engineer", "Data Engineer", "Mobile Developer", "Engineering Manager"),
        "skills": ("Python", "Java", "JavaScript", "TypeScript", "Go", "Rust", "Kotlin", "React",
                   "Node.js", "Django", "Spring", "PostgreSQL", "Kubernetes", "Docker",
                   "Terraform", "AWS", "GCP", "Azure", "Kafka", "Redis", "GraphQL", "CI/CD",
                   "Linux", "microservices", "Elasticsearch", "Spark", "Airflow", "Swift"),
    },
    "hvac": {
        "titles": ("Process Engineer", "HVAC Engineer", "Mechanical Engineer",
                   "Building Services Engineer", "Commissioning Engineer", "Energy Engineer"),
        "skills": ("HVAC", "AutoCAD", "Revit", "BIM", "chillers", "ventilation",
                   "energy modelling", "building services", "commissioning", "MEP", "BMS",
                   "heat pumps", "ductwork", "LEED", "refrigeration"),
    },
    "electrical": {
        "titles": ("Electrical Engineer", "High Voltage Engineer", "Low Voltage Engineer",
                   "Substation Engineer", "Protection Engineer", "Power Systems Engineer"),
        "skills": ("high voltage", "low voltage", "substations", "switchgear", "SCADA",
                   "protection relays", "ETAP", "cable sizing", "transformers", "PLC",
                   "renewables", "solar", "grid connection", "earthing"),
    },
    "data": {
        "titles": ("Data Analyst", "Data Scientist", "Machine Learning Engineer",
                   "BI Developer", "Analytics Engineer", "Research Scientist"),
        "skills": ("SQL", "Python", "R", "pandas", "scikit-learn", "PyTorch", "TensorFlow",
                   "Tableau", "Power BI", "dbt", "statistics", "forecasting", "NLP",
                   "computer vision", "Snowflake", "BigQuery", "Excel", "A/B testing"),
    },
    "finance": {
        "titles": ("Accountant", "Financial Analyst", "Controller", "Auditor",
                   "Treasury Analyst", "Finance Manager"),
        "skills": ("IFRS", "GAAP", "SAP", "Oracle", "budgeting", "forecasting", "audit",
                   "consolidation", "Excel", "ACCA", "CPA", "tax", "payroll", "VAT"),
    },
    "healthcare": {
        "titles": ("Registered Nurse", "Clinical Pharmacist", "Physiotherapist",
                   "Radiographer", "Care Coordinator", "Medical Laboratory Scientist"),
        "skills": ("patient care", "ICU", "triage", "phlebotomy", "EPIC", "medication",
                   "wound care", "paediatrics", "oncology", "NMC", "BLS", "ALS", "rehabilitation"),
    },
}

SENIORITY = ("Junior", "", "", "Senior", "Senior", "Lead", "Principal", "Graduate")
EMPLOYERS = ("Arup", "Siemens", "Deloitte", "Accenture", "Emirates", "Shopify", "Spotify", "NHS",
             "Aramco", "Bosch", "ABB", "Schneider Electric", "HSBC", "KPMG", "Zalando", "Monzo",
             "Booking.com", "Mott MacDonald", "AECOM", "Jacobs", "Atkins", "Vodafone", "Unilever")
VERBS = ("designed", "led", "delivered", "built", "maintained", "improved", "migrated", "managed",
         "commissioned", "automated", "analysed", "supported", "reviewed", "optimised")
OBJECTS = ("systems", "projects", "teams", "pipelines", "installations", "services", "reports",
           "platforms", "processes", "budgets", "sites", "clients", "dashboards", "plants")
FILLER_WORDS = ("for", "with", "across", "in", "on", "using", "within", "and", "the", "a", "of")
SYLLABLES = ("ka", "lo", "vi", "dre", "ton", "mex", "sa", "qui", "bel", "nor", "zu", "tal", "rin",
             "pho", "gra", "den", "vel", "cor", "ix", "am", "bru", "sen", "tor", "ly", "pex", "ol")
# fmt: on

# Bump when the profiles change, so stored synthetic data (the benchmark's) is rebuilt.
VERSION = 2


def _pseudo_words(count: int, seed: int) -> tuple[str, ...]:
    """Made-up product, tool and certification names: the long tail of real CV vocabulary."""
    rng = random.Random(seed)
    made: dict[str, None] = {}
    while len(made) < count:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3)))
        made[word.capitalize()] = None
    return tuple(made)


# Per domain, 400 rare words; drawn with a long-tailed distribution, the first dozen are common
# and the last few hundred appear in a few hundred profiles per million.
LONG_TAIL: dict[str, tuple[str, ...]] = {
    domain: _pseudo_words(400, seed=number) for number, domain in enumerate(DOMAINS)
}
UNIVERSITIES = tuple(f"University of {name}" for name in _pseudo_words(150, seed=99))


@dataclass(frozen=True)
class SyntheticCandidate:
    fields: dict[str, Any]


def _zipf_choice(rng: random.Random, items: tuple[str, ...]) -> str:
    # Earlier items are much more common than later ones: a long tail of rare skills.
    weights = [1 / (rank + 1) for rank in range(len(items))]
    return rng.choices(items, weights=weights, k=1)[0]


def _sentence(rng: random.Random, skills: list[str], tail: tuple[str, ...]) -> str:
    words = [
        rng.choice(VERBS).capitalize(),
        rng.choice(OBJECTS),
        rng.choice(FILLER_WORDS),
        rng.choice(skills),
        "and",
        _zipf_choice(rng, tail),
        rng.choice(FILLER_WORDS),
        rng.choice(EMPLOYERS),
    ]
    return " ".join(words) + "."


def profiles(
    count: int, *, seed: int = 7, now: datetime | None = None
) -> Iterator[SyntheticCandidate]:
    """``count`` profiles; the same seed always gives the same profiles."""
    rng = random.Random(seed)
    now = now or datetime.now(UTC)
    domains = list(DOMAINS)
    for number in range(count):
        domain_name = rng.choices(domains, weights=[5, 2, 2, 3, 2, 2], k=1)[0]
        domain, tail = DOMAINS[domain_name], LONG_TAIL[domain_name]
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        title = rng.choice(domain["titles"])
        seniority = rng.choice(SENIORITY)
        skills = sorted({_zipf_choice(rng, domain["skills"]) for _ in range(rng.randint(3, 8))})
        city, country = rng.choice(CITIES)
        preferred = sorted({country, *(rng.choice(CITIES)[1] for _ in range(rng.randint(0, 2)))})
        years = rng.randint(1, 25)
        step = max(1, years // 3)
        start = now.year - years
        history = [
            f"{rng.choice(('', 'Senior ', 'Lead '))}{rng.choice(domain['titles'])}, "
            f"{rng.choice(EMPLOYERS)} ({start + offset}-{min(now.year, start + offset + step)}): "
            + " ".join(_sentence(rng, skills, tail) for _ in range(rng.randint(2, 5)))
            for offset in range(0, years, step)
        ]
        history.append(f"Education: {rng.choice(UNIVERSITIES)}.")
        yield SyntheticCandidate(
            fields={
                "full_name": f"{first} {last}",
                "email": f"{first.lower()}.{last.lower()}.{seed}.{number}@candidates.example",
                "phone": f"+{country} {rng.randint(100, 999)} {rng.randint(1000000, 9999999)}",
                "headline": f"{seniority} {title}".strip(),
                "summary": f"{title} with {years} years of experience in "
                f"{', '.join(skills[:3])}. Based in {city}.",
                "cv_text": "\n".join(history),
                "skills": skills,
                "city": city,
                "country_id": country,
                "preferred_country_ids": preferred,
                "last_active_at": now
                - timedelta(days=rng.expovariate(1 / 120), minutes=number % 60),
            }
        )
