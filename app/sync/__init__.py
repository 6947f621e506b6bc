"""SIMPEG integration: bulk upsert of ASN profiles."""
