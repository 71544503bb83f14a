"""Realistic synthetic candidate profiles, for the demo data and the search benchmark.

Deterministic for a given seed and clock. Fourteen professions (software, HVAC, electrical, data,
finance, healthcare, sales, project management, teaching, legal, logistics, hospitality,
marketing, HR), each with its titles, skills, certifications, degrees and employers, so that a
profile reads like one person's career (an HVAC engineer's CV talks about HVAC, a nurse's about
ICU and the NMC), with seniority words (junior, senior, lead, head, graduate, trainee, intern) and
inflected forms as CVs have them (manager, managed, management). Word frequencies follow a long
tail, as in real CV text: a few words are very common, most are rare.
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

# Per profession: job titles, skills, certifications, degrees and typical employers.
DOMAINS: dict[str, dict[str, tuple[str, ...]]] = {
    "software": {
        "titles": ("Software Engineer", "Backend Developer", "Frontend Developer",
                   "Full Stack Developer", "Platform Engineer", "Site Reliability Engineer",
                   "DevOps Engineer", "Data Engineer", "Mobile Developer", "Engineering Manager"),
        "skills": ("Python", "Java", "JavaScript", "TypeScript", "Go", "Rust", "Kotlin", "React",
                   "Node.js", "Django", "Spring", "PostgreSQL", "Kubernetes", "Docker",
                   "Terraform", "AWS", "GCP", "Azure", "Kafka", "Redis", "GraphQL", "CI/CD",
                   "Linux", "microservices", "Elasticsearch", "Spark", "Airflow", "Swift"),
        "certifications": ("AWS Certified Solutions Architect", "CKA", "Azure Fundamentals",
                           "Professional Scrum Master", "Google Cloud Professional"),
        "degrees": ("BSc Computer Science", "MSc Software Engineering", "BEng Computer Systems",
                    "PhD Computer Science", "MSc Distributed Systems"),
        "employers": ("Shopify", "Spotify", "Zalando", "Monzo", "Booking.com", "Vodafone"),
    },
    "hvac": {
        "titles": ("Process Engineer", "HVAC Engineer", "Mechanical Engineer",
                   "Building Services Engineer", "Commissioning Engineer", "Energy Engineer"),
        "skills": ("HVAC", "AutoCAD", "Revit", "BIM", "chillers", "ventilation",
                   "energy modelling", "building services", "commissioning", "MEP", "BMS",
                   "heat pumps", "ductwork", "LEED", "refrigeration"),
        "certifications": ("CEng", "CIBSE membership", "LEED AP", "F-Gas certificate",
                           "NEBOSH General Certificate"),
        "degrees": ("BEng Mechanical Engineering", "MEng Building Services Engineering",
                    "MSc Energy Engineering", "HND Mechanical Engineering"),
        "employers": ("Arup", "AECOM", "Mott MacDonald", "Jacobs", "Atkins", "Siemens"),
    },
    "electrical": {
        "titles": ("Electrical Engineer", "High Voltage Engineer", "Low Voltage Engineer",
                   "Substation Engineer", "Protection Engineer", "Power Systems Engineer"),
        "skills": ("high voltage", "low voltage", "substations", "switchgear", "SCADA",
                   "protection relays", "ETAP", "cable sizing", "transformers", "PLC",
                   "renewables", "solar", "grid connection", "earthing"),
        "certifications": ("CEng", "IET membership", "18th Edition", "SAP authorisation",
                           "NEBOSH General Certificate", "ECS card"),
        "degrees": ("BEng Electrical Engineering", "MSc Power Systems",
                    "MEng Electrical and Electronic Engineering", "HNC Electrical Engineering"),
        "employers": ("ABB", "Siemens", "Schneider Electric", "National Grid", "DEWA", "Aramco"),
    },
    "data": {
        "titles": ("Data Analyst", "Data Scientist", "Machine Learning Engineer",
                   "BI Developer", "Analytics Engineer", "Research Scientist"),
        "skills": ("SQL", "Python", "R", "pandas", "scikit-learn", "PyTorch", "TensorFlow",
                   "Tableau", "Power BI", "dbt", "statistics", "forecasting", "NLP",
                   "machine learning", "computer vision", "Snowflake", "BigQuery", "Excel",
                   "A/B testing", "deep learning"),
        "certifications": ("Google Data Analytics Certificate", "Tableau Desktop Specialist",
                           "Microsoft Certified Data Analyst", "TensorFlow Developer Certificate"),
        "degrees": ("BSc Mathematics", "MSc Data Science", "PhD Statistics", "MSc Machine Learning",
                    "BSc Economics", "PhD Physics"),
        "employers": ("Deloitte", "Accenture", "Spotify", "Booking.com", "HSBC", "Unilever"),
    },
    "finance": {
        "titles": ("Accountant", "Financial Analyst", "Financial Controller", "Auditor",
                   "Treasury Analyst", "Finance Manager", "Management Accountant"),
        "skills": ("IFRS", "GAAP", "SAP", "Oracle", "budgeting", "forecasting", "audit",
                   "consolidation", "Excel", "ACCA", "CPA", "tax", "payroll", "VAT",
                   "month-end close", "financial reporting"),
        "certifications": ("ACCA", "CPA", "CIMA", "ACA", "CFA Level II", "AAT"),
        "degrees": ("BSc Accounting and Finance", "BA Economics", "MSc Finance", "MBA",
                    "BSc Business Management"),
        "employers": ("Deloitte", "KPMG", "HSBC", "PwC", "EY", "Unilever"),
    },
    "healthcare": {
        "titles": ("Registered Nurse", "Staff Nurse", "Nurse Practitioner", "Clinical Pharmacist",
                   "Physiotherapist", "Radiographer", "Care Coordinator", "Ward Manager"),
        "skills": ("patient care", "ICU", "triage", "phlebotomy", "EPIC", "medication",
                   "wound care", "paediatrics", "oncology", "intensive care", "rehabilitation",
                   "nursing", "A&E", "theatres", "mental health"),
        "certifications": ("NMC registration", "BLS", "ALS", "PALS", "RGN", "HCPC registration"),
        "degrees": ("BSc Nursing", "BSc Adult Nursing", "MSc Advanced Clinical Practice",
                    "MPharm", "BSc Physiotherapy", "BSc Diagnostic Radiography"),
        "employers": ("NHS", "Cleveland Clinic", "Mediclinic", "Bupa", "HCA Healthcare", "Aster"),
    },
    "sales": {
        "titles": ("Sales Executive", "Account Manager", "Business Development Manager",
                   "Sales Manager", "Key Account Manager", "Inside Sales Representative"),
        "skills": ("B2B sales", "Salesforce", "CRM", "lead generation", "negotiation",
                   "account management", "cold calling", "pipeline management", "SaaS",
                   "HubSpot", "new business", "quota attainment", "key accounts", "tenders"),
        "certifications": ("Salesforce Certified Administrator", "HubSpot Sales Certification",
                           "Sandler training", "CIM Certificate"),
        "degrees": ("BA Business Studies", "BSc Marketing", "BA Communications", "MBA"),
        "employers": ("Salesforce", "Oracle", "Vodafone", "Unilever", "Siemens", "HubSpot"),
    },
    "project": {
        "titles": ("Project Manager", "Programme Manager", "Project Coordinator",
                   "PMO Analyst", "Delivery Manager", "Scrum Master"),
        "skills": ("project management", "stakeholder management", "risk management",
                   "Agile", "Scrum", "MS Project", "Jira", "budget control", "change management",
                   "planning", "Primavera P6", "resource planning", "governance"),
        "certifications": ("PMP", "PRINCE2 Practitioner", "PRINCE2 Foundation", "APM PMQ",
                           "MSP", "Certified ScrumMaster", "AgilePM"),
        "degrees": ("BSc Project Management", "MSc Project Management", "MBA",
                    "BEng Civil Engineering", "BA Business Management"),
        "employers": ("Accenture", "Jacobs", "AECOM", "Capita", "Balfour Beatty", "Vodafone"),
    },
    "teaching": {
        "titles": ("Primary Teacher", "Secondary Teacher", "Maths Teacher", "English Teacher",
                   "Teaching Assistant", "Head of Department", "SENCO", "Lecturer"),
        "skills": ("lesson planning", "classroom management", "curriculum design",
                   "safeguarding", "SEN", "differentiation", "behaviour management", "EAL",
                   "assessment", "GCSE", "A-level", "IB", "early years", "tutoring"),
        "certifications": ("QTS", "PGCE", "CELTA", "TEFL", "DELTA", "NPQH"),
        "degrees": ("BEd Primary Education", "PGCE Secondary Mathematics", "BA English Literature",
                    "MA Education", "BSc Mathematics", "PhD Education"),
        "employers": ("GEMS Education", "Harris Federation", "Ark Schools", "British Council",
                      "Nord Anglia", "Taaleem"),
    },
    "legal": {
        "titles": ("Solicitor", "Paralegal", "Legal Counsel", "Associate Lawyer",
                   "Barrister", "Compliance Officer", "Legal Secretary"),
        "skills": ("contract law", "litigation", "employment law", "corporate law",
                   "commercial contracts", "due diligence", "legal research", "GDPR",
                   "compliance", "mergers and acquisitions", "dispute resolution",
                   "intellectual property", "conveyancing", "drafting"),
        "certifications": ("SRA admission", "LPC", "SQE", "Bar admission", "CIPP/E",
                           "ICA Diploma in Compliance"),
        "degrees": ("LLB Law", "LLM Commercial Law", "BA Law", "GDL", "JD"),
        "employers": ("Clifford Chance", "Allen & Overy", "Linklaters", "DLA Piper", "Al Tamimi",
                      "HSBC"),
    },
    "logistics": {
        "titles": ("Logistics Coordinator", "Warehouse Manager", "Supply Chain Analyst",
                   "Transport Planner", "Procurement Manager", "Operations Manager",
                   "HGV Driver"),
        "skills": ("supply chain", "warehousing", "inventory management", "procurement",
                   "freight forwarding", "customs", "SAP", "WMS", "lean", "Six Sigma",
                   "route planning", "forklift", "last mile", "demand planning"),
        "certifications": ("CILT", "CIPS", "CPC", "HGV Class 1 licence",
                           "Lean Six Sigma Green Belt", "IOSH Managing Safely"),
        "degrees": ("BSc Logistics and Supply Chain Management", "MSc Supply Chain Management",
                    "BA Business Management", "HND Logistics"),
        "employers": ("DHL", "Maersk", "Amazon", "Aramex", "DP World", "Kuehne+Nagel"),
    },
    "hospitality": {
        "titles": ("Chef de Partie", "Sous Chef", "Head Chef", "Restaurant Manager",
                   "Hotel Manager", "Front Office Manager", "Events Coordinator"),
        "skills": ("food safety", "menu development", "fine dining", "guest relations",
                   "revenue management", "Opera PMS", "banqueting", "HACCP", "pastry",
                   "cost control", "rota planning", "customer service", "events", "bar"),
        "certifications": ("Level 3 Food Hygiene", "HACCP Level 3", "WSET Level 2",
                           "Personal Licence", "First Aid at Work"),
        "degrees": ("BA International Hospitality Management", "BA Culinary Arts",
                    "Diploma in Hotel Management", "MSc Tourism Management"),
        "employers": ("Marriott", "Hilton", "Jumeirah", "Accor", "Emirates", "Four Seasons"),
    },
    "marketing": {
        "titles": ("Marketing Manager", "Digital Marketing Executive", "Content Strategist",
                   "SEO Specialist", "Brand Manager", "Product Marketing Manager"),
        "skills": ("SEO", "PPC", "Google Analytics", "content marketing", "social media",
                   "email marketing", "brand strategy", "copywriting", "HubSpot", "campaigns",
                   "market research", "Google Ads", "CRO", "marketing automation"),
        "certifications": ("CIM Diploma", "Google Ads Certification", "HubSpot Inbound",
                           "Google Analytics Certification"),
        "degrees": ("BA Marketing", "MSc Digital Marketing", "BA Journalism", "MBA"),
        "employers": ("Unilever", "Ogilvy", "WPP", "Spotify", "Emirates", "Booking.com"),
    },
    "hr": {
        "titles": ("HR Manager", "HR Business Partner", "Recruiter", "Talent Acquisition Partner",
                   "HR Advisor", "Learning and Development Manager"),
        "skills": ("employee relations", "recruitment", "onboarding", "HRIS", "Workday",
                   "performance management", "talent acquisition", "employment law",
                   "compensation and benefits", "learning and development", "payroll"),
        "certifications": ("CIPD Level 5", "CIPD Level 7", "SHRM-CP", "PHR"),
        "degrees": ("BA Human Resource Management", "MSc Human Resource Management",
                    "BSc Psychology", "MA Occupational Psychology"),
        "employers": ("Unilever", "Capita", "Deloitte", "NHS", "Amazon", "Hays"),
    },
}
# How often each profession appears, in the order above.
DOMAIN_WEIGHTS = (5, 2, 2, 3, 2, 3, 3, 2, 2, 1, 2, 2, 2, 1)

SENIORITY = ("Junior", "", "", "", "Senior", "Senior", "Lead", "Principal", "Graduate",
             "Trainee", "Assistant", "Associate", "Head")
# As the first entry of a career: the title, then one of these.
EARLY_ROLES = ("Intern", "Apprentice", "Placement Student", "Graduate Trainee")
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
VERSION = 3


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


def _sentence(
    rng: random.Random, skills: list[str], tail: tuple[str, ...], employers: tuple[str, ...]
) -> str:
    words = [
        rng.choice(VERBS).capitalize(),
        rng.choice(OBJECTS),
        rng.choice(FILLER_WORDS),
        rng.choice(skills),
        "and",
        _zipf_choice(rng, tail),
        rng.choice(FILLER_WORDS),
        rng.choice(employers),
    ]
    return " ".join(words) + "."


def profiles(
    count: int, *, seed: int = 7, now: datetime | None = None
) -> Iterator[SyntheticCandidate]:
    """``count`` profiles; the same seed always gives the same profiles.

    Every date is relative to ``now`` (default: the current time): activity within the last
    months, careers ending this year.
    """
    rng = random.Random(seed)
    now = now or datetime.now(UTC)
    domains = list(DOMAINS)
    for number in range(count):
        domain_name = rng.choices(domains, weights=DOMAIN_WEIGHTS, k=1)[0]
        domain, tail = DOMAINS[domain_name], LONG_TAIL[domain_name]
        # Mostly the profession's own employers, sometimes anyone's.
        employers = domain["employers"] + tuple(rng.sample(EMPLOYERS, k=rng.randint(0, 2)))
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
            f"{rng.choice(employers)} ({start + offset}-{min(now.year, start + offset + step)}): "
            + " ".join(_sentence(rng, skills, tail, employers) for _ in range(rng.randint(2, 5)))
            for offset in range(0, years, step)
        ]
        if years <= 5 and rng.random() < 0.5:
            history.insert(
                0,
                f"{rng.choice(domain['titles'])} {rng.choice(EARLY_ROLES)}, "
                f"{rng.choice(employers)} ({start - 1}).",
            )
        certifications = rng.sample(domain["certifications"], k=rng.randint(0, 3))
        if certifications:
            history.append(f"Certifications: {', '.join(certifications)}.")
        history.append(
            f"Education: {_zipf_choice(rng, domain['degrees'])}, {rng.choice(UNIVERSITIES)}."
        )
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
