"""Scripted scenarios that drive the whole service through its domain services, week by week."""
