"""Models, the unit of work, and the domain services that run inside it (they never see HTTP)."""
