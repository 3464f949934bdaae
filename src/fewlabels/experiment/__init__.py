"""The learning-curve experiment: hand-crafted vs code features across classifiers and labelled fractions."""
