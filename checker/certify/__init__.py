"""Rigorous (python-flint ball arithmetic) certification: Krawczyk inclusions, certified minimisers of a
loss, the product-stability sign (GAN-A-D4.1) and period-2 orbits of the frozen-D map (GAN-A-FLIP)."""
