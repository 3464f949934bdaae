"""The DTU study's autoencoder: (f)5c-2p-(f)3c-2p-(f)3c-2p, and a decoder that mirrors it.

Encoder: three blocks of a 'same' Conv2D with ``filters`` (f) kernels (5x5, then 3x3, 3x3; ReLU) and a
2x2 max-pooling that rounds an odd axis up, so any (frames, bins) >= (1, 1) encodes; Dropout before the
second and third convolution. Then the bottleneck (:mod:`~fewlabels.autoencoder.bottleneck`) and the code.

Decoder, block by block in reverse: undo the pooling, then a 'same' Conv2D (ReLU; Dropout after it), the
last one 5x5 to 1 channel (sigmoid for bce, linear for mse). ``decoder`` unpooling puts each value back where
its window's maximum was (the pooling switches, so encoder and decoder form one graph); upsampling repeats it
over the window. Either way the map is cropped to the size it had before that pooling.
"""
import keras
from keras import layers

from fewlabels.autoencoder.bottleneck import OUTPUT_ACTIVATIONS, decode_code, encode_map
from fewlabels.autoencoder.families import DTU_KERNELS as KERNELS
from fewlabels.autoencoder.pooling import MaxPoolingWithSwitches, MaxUnpooling
from fewlabels.autoencoder.params import AutoencoderParams


def build_dtu(input_shape: tuple[int, int], params: AutoencoderParams) -> tuple[keras.Model, keras.Model]:
    """``(autoencoder, encoder)`` for spectrograms of ``input_shape`` (frames, bins): (batch, frames, bins, 1)
    to the same shape, and, sharing its layers, to (batch, latent_dim)."""
    unpooling = params.decoder == "unpooling"
    inputs = keras.Input(shape=(*input_shape, 1), name="spectrogram")
    x, sizes, switches = inputs, [], []
    for i, kernel in enumerate(KERNELS, start=1):
        if i > 1:
            x = layers.Dropout(params.dropout, name=f"encoder_dropout_{i - 1}")(x)
        x = layers.Conv2D(params.filters, kernel, padding="same", activation="relu", name=f"encoder_conv_{i}")(x)
        sizes.append(tuple(x.shape[1:3]))
        if unpooling:
            x, switch = MaxPoolingWithSwitches(name=f"encoder_pool_{i}")(x)
            switches.append(switch)
        else:
            x = layers.MaxPooling2D(2, padding="same", name=f"encoder_pool_{i}")(x)
    code = encode_map(x, (), params)

    x = decode_code(code, (), tuple(x.shape[1:]))
    for step, i in enumerate(reversed(range(len(KERNELS))), start=1):
        (height, width), is_output = sizes[i], i == 0
        if unpooling:
            x = MaxUnpooling((height, width), name=f"decoder_unpool_{step}")([x, switches[i]])
        else:
            x = layers.UpSampling2D(2, name=f"decoder_upsample_{step}")(x)
            x = layers.Cropping2D(((0, x.shape[1] - height), (0, x.shape[2] - width)), name=f"decoder_crop_{step}")(x)
        x = layers.Conv2D(1 if is_output else params.filters, KERNELS[i], padding="same",
                          activation=OUTPUT_ACTIVATIONS[params.loss] if is_output else "relu",
                          name="reconstruction" if is_output else f"decoder_conv_{step}")(x)
        if not is_output:
            x = layers.Dropout(params.dropout, name=f"decoder_dropout_{step}")(x)
    return keras.Model(inputs, x, name="dtu_autoencoder"), keras.Model(inputs, code, name="dtu_encoder")
