"""fewlabels: do autoencoder code features beat hand-crafted audio features when labels are few?"""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # silence TensorFlow's C++ start-up chatter; set before it loads
