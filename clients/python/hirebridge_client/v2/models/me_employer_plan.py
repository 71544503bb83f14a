from typing import Literal

MeEmployerPlan = Literal["enterprise", "free", "professional", "starter"]

ME_EMPLOYER_PLAN_VALUES: set[MeEmployerPlan] = {
    "enterprise",
    "free",
    "professional",
    "starter",
}


def check_me_employer_plan(value: str) -> MeEmployerPlan:
    if value in ME_EMPLOYER_PLAN_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {ME_EMPLOYER_PLAN_VALUES!r}")
