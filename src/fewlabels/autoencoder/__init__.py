"""Convolutional autoencoders of the original study, their training, and code features."""
