"""Arquitecturas de referencia construidas capa a capa con Keras.

``lenet5(modern=True)`` arma la LeNet-5 «de Keras» del capítulo de LeNet-5
(61 706 parámetros). ``resnet_imagenet(depth)`` arma las ResNet de ImageNet de la tabla 1 del
artículo de ResNet (He et al., 2015) y ``resnet_flops_table()`` recalcula su
fila de FLOPs (multiplicaciones-sumas) con :func:`utils.counting.count_flops`.
Los modelos se crean con pesos aleatorios: no se descarga nada.

Importar este módulo no carga Keras; se importa dentro de cada función.
"""

from __future__ import annotations

def lenet5(modern: bool = True, input_shape=(32, 32, 1), classes: int = 10):
    """LeNet-5 en su versión habitual de Keras: C1, S2, C3, S4, C5, F6 y salida.

    Capas y formas con la entrada de 32×32×1 del artículo (LeCun et al., 1998):

    ======  ====================  ===========  ===========
    capa    operación             salida       parámetros
    ======  ====================  ===========  ===========
    C1      6 filtros de 5×5      28×28×6      156
    S2      *pooling* 2×2         14×14×6      0
    C3      16 filtros de 5×5     10×10×16     2 416
    S4      *pooling* 2×2         5×5×16       0
    C5      120 filtros de 5×5    1×1×120      48 120
    F6      densa de 84           84           10 164
    salida  densa de ``classes``  ``classes``  850
    ======  ====================  ===========  ===========

    Total: 61 706 parámetros con 10 clases. Es la simplificación que usan los
    cursos y tutoriales, no la red exacta de 1998: aquí C3 ve los 6 mapas de
    S2 (en el artículo cada mapa de C3 ve solo algunos), S2 y S4 no tienen
    parámetros (en el artículo multiplican por un coeficiente y suman un sesgo
    entrenables) y la salida es una softmax (en el artículo, unidades RBF
    euclidianas).

    ``modern=True`` usa ReLU y *max pooling*; ``modern=False``, tangente
    hiperbólica y *pooling* promedio, más cerca del original. Los
    parámetros son los mismos.

    >>> modelo = lenet5()                         # doctest: +SKIP
    >>> modelo.count_params()                     # doctest: +SKIP
    61706
    """
    import keras
    from keras import layers

    if not isinstance(modern, bool):
        raise TypeError(f"`modern` debe ser True o False; llegó {modern!r}.")
    if len(tuple(input_shape)) != 3:
        raise ValueError(f"`input_shape` debe ser (alto, ancho, canales), p. ej. (32, 32, 1); llegó {input_shape!r}.")
    if min(input_shape[:2]) < 32:  # 32 → C1 28 → S2 14 → C3 10 → S4 5 → C5 1
        raise ValueError(f"LeNet-5 necesita imágenes de al menos 32×32; llegó {input_shape!r}. "
                         "Rellena las imágenes de MNIST con 2 píxeles por lado: np.pad(x, ((0, 0), (2, 2), (2, 2))).")
    if isinstance(classes, bool) or not isinstance(classes, int) or classes < 2:
        raise ValueError(f"`classes` debe ser un entero mayor o igual que 2; llegó {classes!r}.")
    act = "relu" if modern else "tanh"
    pool = layers.MaxPooling2D if modern else layers.AveragePooling2D
    return keras.Sequential([
        keras.Input(shape=tuple(input_shape), name="imagen"),
        layers.Conv2D(6, 5, activation=act, name="C1"),
        pool(2, name="S2"),
        layers.Conv2D(16, 5, activation=act, name="C3"),
        pool(2, name="S4"),
        layers.Conv2D(120, 5, activation=act, name="C5"),
        layers.Flatten(name="aplanado"),
        layers.Dense(84, activation=act, name="F6"),
        layers.Dense(classes, activation="softmax", name="salida"),
    ], name="lenet5_moderna" if modern else "lenet5_clasica")


# profundidad → (tipo de bloque, bloques por etapa conv2_x … conv5_x)
RESNET_SPECS = {
    18: ("basic", (2, 2, 2, 2)),
    34: ("basic", (3, 4, 6, 3)),
    50: ("bottleneck", (3, 4, 6, 3)),
    101: ("bottleneck", (3, 4, 23, 3)),
    152: ("bottleneck", (3, 8, 36, 3)),
}

# FLOPs (multiplicaciones-sumas, ×10⁹) de la tabla 1 del artículo.
RESNET_PAPER_GFLOPS = {18: 1.8, 34: 3.6, 50: 3.8, 101: 7.6, 152: 11.3}


def resnet_imagenet(depth: int = 50, shortcut: str = "B", input_shape=(224, 224, 3),
                    classes: int = 1000):
    """ResNet de ImageNet (18, 34, 50, 101 o 152 capas) como modelo funcional de Keras.

    Estructura de la tabla 1 del artículo: conv 7×7/2 de 64 filtros, *max
    pooling* 3×3/2, cuatro etapas de bloques (básicos de dos 3×3 para 18 y 34;
    de cuello de botella 1×1-3×3-1×1 para 50, 101 y 152), *pooling* promedio
    global y una capa densa de ``classes`` salidas. Como en el original, la
    etapa que reduce la resolución lo hace con paso 2 en la primera
    convolución del bloque (la 1×1 en los de cuello de botella).

    ``shortcut`` elige el atajo cuando cambian las dimensiones:
    ``"B"`` (proyección 1×1 con paso, la opción más usada) o ``"A"``
    (identidad submuestreada y relleno de ceros en los canales: 0 parámetros).

    Las convoluciones no llevan sesgo (las sigue una normalización por lotes).
    Con la opción B, los parámetros entrenables coinciden con los de
    ``torchvision`` (11 689 512 para ResNet-18); Keras cuenta además las
    medias y varianzas móviles de cada ``BatchNormalization``.

    >>> modelo = resnet_imagenet(18)                 # doctest: +SKIP
    >>> modelo.count_params()                        # doctest: +SKIP
    11699112
    """
    import keras
    from keras import layers

    if depth not in RESNET_SPECS:
        raise ValueError(f"`depth` debe ser una de {sorted(RESNET_SPECS)}; llegó {depth!r}.")
    if shortcut not in ("A", "B"):
        raise ValueError(f"`shortcut` debe ser 'A' (relleno de ceros) o 'B' (proyección); llegó {shortcut!r}.")
    kind, blocks = RESNET_SPECS[depth]

    def conv_bn(x, filters, size, stride, name, relu=True):
        x = layers.Conv2D(filters, size, strides=stride, padding="same", use_bias=False, name=name)(x)
        x = layers.BatchNormalization(name=name + "_bn")(x)
        return layers.ReLU(name=name + "_relu")(x) if relu else x

    def shortcut_branch(x, filters, stride, name):
        if stride == 1 and x.shape[-1] == filters:
            return x  # identidad
        if shortcut == "B":
            return conv_bn(x, filters, 1, stride, name + "_proj", relu=False)
        # Opción A: toma un píxel de cada `stride` y rellena con ceros los canales nuevos.
        x = layers.MaxPooling2D(pool_size=1, strides=stride, name=name + "_subsample")(x)
        h, w, c = x.shape[1:]
        x = layers.Reshape((h, w, c, 1), name=name + "_to5d")(x)
        x = layers.ZeroPadding3D(((0, 0), (0, 0), (0, filters - c)), name=name + "_zeros")(x)
        return layers.Reshape((h, w, filters), name=name + "_to4d")(x)

    def basic_block(x, filters, stride, name):
        y = conv_bn(x, filters, 3, stride, name + "_a")
        y = conv_bn(y, filters, 3, 1, name + "_b", relu=False)
        y = layers.Add(name=name + "_add")([shortcut_branch(x, filters, stride, name), y])
        return layers.ReLU(name=name + "_out")(y)

    def bottleneck_block(x, filters, stride, name):
        y = conv_bn(x, filters, 1, stride, name + "_a")
        y = conv_bn(y, filters, 3, 1, name + "_b")
        y = conv_bn(y, 4 * filters, 1, 1, name + "_c", relu=False)
        y = layers.Add(name=name + "_add")([shortcut_branch(x, 4 * filters, stride, name), y])
        return layers.ReLU(name=name + "_out")(y)

    block = basic_block if kind == "basic" else bottleneck_block
    inputs = keras.Input(input_shape, name="imagen")
    x = conv_bn(inputs, 64, 7, 2, "conv1")
    x = layers.MaxPooling2D(3, strides=2, padding="same", name="pool1")(x)
    for stage, n_blocks in enumerate(blocks):
        filters = 64 * 2 ** stage
        for i in range(n_blocks):
            stride = 2 if i == 0 and stage > 0 else 1
            x = block(x, filters, stride, name=f"conv{stage + 2}_{i + 1}")
    x = layers.GlobalAveragePooling2D(name="pool5")(x)
    outputs = layers.Dense(classes, activation="softmax", name="fc")(x)
    return keras.Model(inputs, outputs, name=f"resnet{depth}")


def resnet_flops_table(depths=(18, 34, 50, 101, 152), shortcut=None) -> list:
    """Recalcula la fila «FLOPs» de la tabla 1 del artículo de ResNet.

    Devuelve una lista de diccionarios con ``depth``, ``shortcut``,
    ``params``, ``trainable_params``, ``flops`` (multiplicaciones-sumas por imagen de 224×224) y
    ``paper`` (el valor publicado, ×10⁹). Con ``shortcut=None`` se usa lo que
    usó el artículo: opción A para 18 y 34 capas, B para 50, 101 y 152.

    Resultado (redondeando a un decimal): 1,8 · 3,6 · 3,9 · 7,6 · 11,3 × 10⁹,
    igual que el artículo salvo ResNet-50, donde publica 3,8. Lo que se
    averiguó al comparar convenciones:

    * ResNet-18/34 dan 1,79 y 3,64 × 10⁹ con la opción A; con proyecciones
      (opción B) dan 1,81 y 3,66, y ResNet-34 se redondearía a 3,7. El
      artículo usa la opción A para esas redes, así que su 3,6 cuadra.
    * ResNet-50 da 3,86 × 10⁹, lo mismo que ``keras.applications.ResNet50``.
      Ninguna convención coherente lo baja a 3,8 sin estropear otra columna:
      quitar la capa densa (0,002) no basta; quitar la proyección de conv2_1
      (0,05) da 3,81, pero entonces ResNet-101 y -152 bajan a 7,5 y 11,2; y
      truncar en vez de redondear también da 7,5 y 11,2. El 3,8 del artículo
      parece un truncamiento aislado.
    * Poner el paso 2 en la 3×3 del cuello de botella (la «ResNet v1.5» de
      ``torchvision``) sube ResNet-50 a 4,09 × 10⁹: no es la red del artículo.

    >>> [round(f["flops"] / 1e9, 1) for f in resnet_flops_table()]  # doctest: +SKIP
    [1.8, 3.6, 3.9, 7.6, 11.3]
    """
    from .counting import count_flops

    rows = []
    for depth in depths:
        option = shortcut or ("A" if RESNET_SPECS[depth][0] == "basic" else "B")
        table = count_flops(resnet_imagenet(depth, shortcut=option))
        rows.append({"depth": depth, "shortcut": option, "params": table.total_params,
                     "trainable_params": table.total_trainable_params, "flops": table.total_flops, "paper": RESNET_PAPER_GFLOPS.get(depth)})
    return rows
