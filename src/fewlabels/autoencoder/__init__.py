"""Convolutional autoencoders of the original study, their training, and code features."""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow's C++ start-up chatter, before it is imported
