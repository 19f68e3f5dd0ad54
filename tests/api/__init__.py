"""Tests of the typed API client, run against the agent simulator."""
