"""Bilateral meetings: the plan's data, its hard rules, and the scheduler that fills it."""
