"""Drills: PKW open-data import, and a night played through the real API."""
