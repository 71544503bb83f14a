from typing import Literal

CandidateSource = Literal["platform", "talentPool"]

CANDIDATE_SOURCE_VALUES: set[CandidateSource] = {
    "platform",
    "talentPool",
}


def check_candidate_source(value: str) -> CandidateSource:
    if value in CANDIDATE_SOURCE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {CANDIDATE_SOURCE_VALUES!r}")
