"""Gonghui (工会): the worker service data platform of a city trade-union federation."""

__version__ = "0.1.0"
