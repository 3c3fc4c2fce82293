"""The catalogue as documentation: open points, cited definitions, per-claim notes, and their rendering.

``eoscheck show`` prints one entry; ``eoscheck show --markdown`` renders docs/catalogue.md from the registry.
"""
