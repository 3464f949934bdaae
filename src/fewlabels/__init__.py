"""fewlabels: do autoencoder code features beat hand-crafted audio features when labels are few?"""
