"""Matching: vector spaces over the catalogue, scoring, ranking and evaluation."""
