"""Tests of the UMA simulator."""
