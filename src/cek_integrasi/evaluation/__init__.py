"""Evaluation: the durable-rules engine, states and findings, waivers, worker processes, a checking run."""
