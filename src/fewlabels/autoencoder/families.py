"""The four convolutional families of the original study (AE1-AE4) as plain numbers, and the spectrogram
shapes they can encode; no Keras, so params can be checked before any stage runs."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Conv:
    filters: int
    kernel: int
    stride: int


@dataclass(frozen=True)
class Family:
    convolutions: tuple[Conv, ...]
    hidden: tuple[int, ...]  # Dense units between Flatten and the bottleneck


ARCHITECTURES = {
    "AE1": Family((Conv(2, 2, 2), Conv(8, 4, 4), Conv(8, 2, 2)), ()),
    "AE2": Family((Conv(2, 2, 2), Conv(4, 3, 2), Conv(8, 2, 2), Conv(16, 2, 2)), ()),
    "AE3": Family((Conv(16, 2, 2), Conv(32, 2, 2), Conv(64, 3, 3), Conv(128, 3, 3)), (256,)),
    "AE4": Family((Conv(8, 4, 2), Conv(16, 3, 2), Conv(32, 2, 2), Conv(64, 2, 2)), (256,)),
}


def conv_output_size(size: int, conv: Conv) -> int:
    """Length of one axis after a 'valid' convolution."""
    return (size - conv.kernel) // conv.stride + 1


def axis_sizes(size: int, family: Family) -> list[int]:
    """Length of one axis before each convolution of ``family``, then after the last."""
    sizes = [size]
    for conv in family.convolutions:
        sizes.append(conv_output_size(sizes[-1], conv))
    return sizes


def smallest_axis(family: Family) -> int:
    """The shortest axis (frames or bins) that every convolution of ``family`` leaves at least 1 long."""
    size = 1
    for conv in reversed(family.convolutions):
        size = (size - 1) * conv.stride + conv.kernel
    return size


def can_encode(shape: tuple[int, int], family: Family) -> bool:
    """Whether spectrograms of ``shape`` (frames, bins) keep at least one cell through every convolution."""
    return min(shape) >= smallest_axis(family)


DTU_KERNELS = (5, 3, 3)  # the DTU study's encoder: a 'same' Conv2D and a 2x2 max-pooling that rounds up, per kernel


def dtu_axis_size(size: int) -> int:
    """Length of one axis after the DTU encoder's poolings."""
    for _ in DTU_KERNELS:
        size = -(-size // 2)
    return size
