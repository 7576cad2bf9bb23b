"""Files in: safe YAML, the record models and their schemas, the taxonomy with its concept
index, loading a catalogue and validating it.

The taxonomy's data ends here: finding concepts in a text (`concepts`) is part of reading
the catalogue; weighing them against each other is matching.
"""
