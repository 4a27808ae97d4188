"""Arquitecturas de referencia construidas capa a capa con Keras.

``lenet5(modern=True)`` arma la LeNet-5 «de Keras» del capítulo de LeNet-5
(61 706 parámetros). ``resnet_imagenet(depth)`` arma las ResNet de ImageNet de la tabla 1 del
artículo de ResNet (He et al., 2015) y ``resnet_flops_table()`` recalcula su
fila de FLOPs (MAC) con :func:`utils.counting.count_flops`.
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


# Tabla I de LeCun et al. (1998): a qué mapas de S2 (0–5) se conecta cada mapa de C3 (0–15).
LENET5_C3_TABLE = (
    (0, 1, 2), (1, 2, 3), (2, 3, 4), (3, 4, 5), (0, 4, 5), (0, 1, 5),           # 6 mapas: 3 vecinos
    (0, 1, 2, 3), (1, 2, 3, 4), (2, 3, 4, 5), (0, 3, 4, 5), (0, 1, 4, 5), (0, 1, 2, 5),  # 6 mapas: 4 vecinos
    (0, 1, 3, 4), (1, 2, 4, 5), (0, 2, 3, 5),                                    # 3 mapas: 4 no vecinos
    (0, 1, 2, 3, 4, 5),                                                          # 1 mapa: los 6
)


def lenet5_1998_params(c3_table=LENET5_C3_TABLE, classes: int = 10) -> list:
    """Parámetros y conexiones de cada capa de la LeNet-5 del artículo de 1998.

    Devuelve una lista de diccionarios con ``layer``, ``output`` (forma de
    salida), ``params`` (parámetros entrenables) y ``connections``
    (cada parámetro usado en cada posición de su mapa de salida; incluye los
    sesgos, así que en C3 las 151 600 conexiones son 150 000 multiplicaciones
    y 1 600 sumas de sesgo).
    Reglas del artículo (LeCun et al., 1998, sección II.B):

    * C1, C3 y C5: un núcleo de 5×5 por cada mapa de entrada
      conectado, más un sesgo por mapa de salida. C3 solo ve los mapas de S2
      que dice ``c3_table`` (una tupla por mapa de C3).
    * S2 y S4: suman cada ventana de 2×2, multiplican por un coeficiente y
      suman un sesgo: 2 parámetros por mapa y 5 conexiones por posición.
    * F6: densa de 120 → 84. Salida RBF: ``classes`` vectores prototipo de
      84 componentes, sin sesgo.

    Con la tabla del artículo: C1 156, S2 12, C3 1 516, S4 32, C5 48 120,
    F6 10 164 y RBF 840.

    >>> [f["params"] for f in lenet5_1998_params()]
    [156, 12, 1516, 32, 48120, 10164, 840]
    >>> lenet5_1998_params()[2]["connections"]
    151600
    """
    try:
        table = [sorted(set(int(i) for i in fila)) for fila in c3_table]
    except (TypeError, ValueError):
        raise ValueError("`c3_table` debe ser una secuencia de tuplas de índices de S2, p. ej. ((0, 1, 2), ...).") from None
    if not table or any(not fila or fila[0] < 0 or fila[-1] > 5 for fila in table):
        raise ValueError("`c3_table` debe tener, para cada mapa de C3, una tupla no vacía de índices de S2 entre 0 y 5.")
    n_c3 = len(table)
    c3 = sum(len(fila) for fila in table) * 25 + n_c3   # 25 pesos por conexión + 1 sesgo por mapa
    rows = [  # capa, forma de salida, parámetros, posiciones de salida (None: submuestreo)
        ("C1", (28, 28, 6), 6 * (25 + 1), 28 * 28),
        ("S2", (14, 14, 6), 6 * 2, None),
        ("C3", (10, 10, n_c3), c3, 10 * 10),
        ("S4", (5, 5, n_c3), n_c3 * 2, None),
        ("C5", (1, 1, 120), 120 * (n_c3 * 25 + 1), 1),
        ("F6", (84,), 84 * (120 + 1), 1),
        ("RBF", (classes,), classes * 84, 1),
    ]
    out = []
    for name, shape, params, positions in rows:
        if positions is None:                   # submuestreo: 4 sumandos + 1 sesgo por posición
            connections = shape[0] * shape[1] * shape[2] * 5
        else:
            connections = params * positions
        out.append({"layer": name, "output": shape, "params": params, "connections": connections})
    return out


def rbf_output(x, centers):
    """Salidas RBF euclidianas de LeNet-5: ``y_i = Σ_j (x_j − w_ij)²``.

    ``x``: (m, n) o (n,) salidas de F6; ``centers``: (k, n), un vector
    prototipo por clase. Devuelve (m, k) o (k,): la distancia al cuadrado a
    cada prototipo. La clase predicha es la de **menor** salida.

    >>> import numpy as np
    >>> rbf_output(np.array([1., -1.]), np.array([[1., -1.], [1., 1.]])).tolist()
    [0.0, 4.0]
    """
    import numpy as np

    x, centers = np.asarray(x, dtype=float), np.asarray(centers, dtype=float)
    if centers.ndim != 2 or x.shape[-1] != centers.shape[1]:
        raise ValueError(f"`x` debe terminar en {centers.shape[-1] if centers.ndim == 2 else '?'} componentes "
                         f"y `centers` ser (clases, componentes); llegaron {x.shape} y {centers.shape}.")
    return ((x[..., None, :] - centers) ** 2).sum(axis=-1)


# === fin de la sección LeNet-5 ===


# capa → (filtros, tamaño, paso, relleno, grupos en la versión de dos GPU)
ALEXNET_CONVS = (
    ("conv1", 96, 11, 4, "valid", 1),
    ("conv2", 256, 5, 1, "same", 2),
    ("conv3", 384, 3, 1, "same", 1),
    ("conv4", 384, 3, 1, "same", 2),
    ("conv5", 256, 3, 1, "same", 2),
)


def alexnet(groups: int = 2, input_shape=(227, 227, 3), classes: int = 1000, dropout: float = 0.5):
    """AlexNet (Krizhevsky, Sutskever y Hinton, 2012) como ``keras.Sequential``.

    Capas y formas con ``groups=2`` (la red del artículo, repartida en dos GPU):

    ======  ===============================  ============  ==========
    capa    operación                        salida        parámetros
    ======  ===============================  ============  ==========
    conv1   96 filtros 11×11, paso 4         55×55×96      34 944
    pool1   *max pooling* 3×3, paso 2        27×27×96      0
    conv2   256 filtros 5×5, 2 grupos        27×27×256     307 456
    pool2   *max pooling* 3×3, paso 2        13×13×256     0
    conv3   384 filtros 3×3                  13×13×384     885 120
    conv4   384 filtros 3×3, 2 grupos        13×13×384     663 936
    conv5   256 filtros 3×3, 2 grupos        13×13×256     442 624
    pool5   *max pooling* 3×3, paso 2        6×6×256       0
    fc6     densa de 4096, luego *dropout*   4096          37 752 832
    fc7     densa de 4096, luego *dropout*   4096          16 781 312
    fc8     densa de ``classes``, softmax    ``classes``   4 097 000
    ======  ===============================  ============  ==========

    Total: 60 965 224 parámetros con 1000 clases. En el artículo cada GPU tenía
    la mitad de los filtros y conv2, conv4 y conv5 solo veían los mapas de su
    propia GPU: eso es una convolución agrupada (``groups=2``), con la mitad de
    pesos. ``groups=1`` da la versión de una sola torre, la habitual hoy
    (62 378 344 parámetros).

    El artículo habla de entradas de 224×224, pero con un filtro de 11×11 y
    paso 4 solo 227×227 da la salida de 55×55 que publica: por eso
    ``input_shape`` vale (227, 227, 3). No se incluye la normalización local de
    la respuesta (LRN) que seguía a conv1 y conv2: no tiene parámetros (sus
    pocas operaciones por activación no se cuentan como MAC), Keras no la trae
    como capa y las redes posteriores la abandonaron.

    >>> alexnet().count_params()                   # doctest: +SKIP
    60965224
    """
    import keras
    from keras import layers

    if isinstance(groups, bool) or groups not in (1, 2):
        raise ValueError(f"`groups` debe ser 1 (una torre) o 2 (dos GPU, como el artículo); llegó {groups!r}.")
    if len(tuple(input_shape)) != 3:
        raise ValueError(f"`input_shape` debe ser (alto, ancho, canales), p. ej. (227, 227, 3); llegó {input_shape!r}.")
    if min(input_shape[:2]) < 67:  # el mínimo con el que pool5 todavía deja 1×1
        raise ValueError(f"AlexNet necesita imágenes de al menos 67×67 (el artículo usa 227×227); llegó {input_shape!r}.")
    if isinstance(classes, bool) or not isinstance(classes, int) or classes < 2:
        raise ValueError(f"`classes` debe ser un entero mayor o igual que 2; llegó {classes!r}.")
    if not 0 <= dropout < 1:
        raise ValueError(f"`dropout` debe estar en [0, 1); llegó {dropout!r}.")
    capas = [keras.Input(shape=tuple(input_shape), name="imagen")]
    for name, filters, size, stride, padding, g in ALEXNET_CONVS:
        capas.append(layers.Conv2D(filters, size, strides=stride, padding=padding, activation="relu",
                                   groups=g if groups == 2 else 1, name=name))
        if name in ("conv1", "conv2", "conv5"):  # pooling solapado: ventana 3, paso 2
            capas.append(layers.MaxPooling2D(3, strides=2, name="pool" + name[-1]))
    capas += [
        layers.Flatten(name="aplanado"),
        layers.Dense(4096, activation="relu", name="fc6"),
        layers.Dropout(dropout, name="dropout6"),   # apaga salidas de fc6, como el artículo
        layers.Dense(4096, activation="relu", name="fc7"),
        layers.Dropout(dropout, name="dropout7"),   # y de fc7
        layers.Dense(classes, activation="softmax", name="fc8"),
    ]
    return keras.Sequential(capas, name="alexnet" if groups == 2 else "alexnet_una_torre")


# profundidad → convoluciones de cada uno de los cinco bloques (tabla 1 del artículo de VGG)
VGG_BLOCKS = {11: (1, 1, 2, 2, 2), 13: (2, 2, 2, 2, 2), 16: (2, 2, 3, 3, 3), 19: (2, 2, 4, 4, 4)}
VGG_WIDTHS = (64, 128, 256, 512, 512)


def vgg(depth: int = 16, input_shape=(224, 224, 3), classes: int = 1000, dropout: float = 0.5):
    """VGG (Simonyan y Zisserman, 2015) de 11, 13, 16 o 19 capas como ``keras.Sequential``.

    Cinco bloques de convoluciones 3×3 (paso 1, relleno «same», ReLU), cada
    uno cerrado por un *max pooling* 2×2 de paso 2, y tres capas densas. Con
    ``depth=16`` (la configuración D del artículo) y entradas de 224×224×3:

    ===========  ==========================  ===========  ===========
    bloque       convoluciones 3×3           salida       parámetros
    ===========  ==========================  ===========  ===========
    block1       2 de 64 filtros + pool      112×112×64   38 720
    block2       2 de 128 filtros + pool     56×56×128    221 440
    block3       3 de 256 filtros + pool     28×28×256    1 475 328
    block4       3 de 512 filtros + pool     14×14×512    5 899 776
    block5       3 de 512 filtros + pool     7×7×512      7 079 424
    fc1          densa de 4096 (*dropout*)   4096         102 764 544
    fc2          densa de 4096 (*dropout*)   4096         16 781 312
    predictions  densa de ``classes``        ``classes``  4 097 000
    ===========  ==========================  ===========  ===========

    Total: 13 convoluciones + 3 densas = 16 capas con pesos y 138 357 544
    parámetros, lo mismo que ``keras.applications.VGG16(weights=None)``. Los
    bloques tienen 2, 2, 3, 3 y 3 convoluciones (no «un *pooling* cada dos
    convoluciones»). ``depth=19`` (configuración E) pone 4 en los tres
    últimos bloques: 143 667 240 parámetros. Los nombres de las capas son los
    de ``keras.applications``; los *dropout* (0,5 en fc1 y fc2, como en el
    artículo) no tienen parámetros.

    >>> vgg(16).count_params()                     # doctest: +SKIP
    138357544
    """
    import keras
    from keras import layers

    if isinstance(depth, bool) or depth not in VGG_BLOCKS:
        raise ValueError(f"`depth` debe ser una de {sorted(VGG_BLOCKS)}; llegó {depth!r}.")
    if len(tuple(input_shape)) != 3:
        raise ValueError(f"`input_shape` debe ser (alto, ancho, canales), p. ej. (224, 224, 3); llegó {input_shape!r}.")
    if min(input_shape[:2]) < 32:  # cinco poolings de 2×2: 32 → 1
        raise ValueError(f"VGG necesita imágenes de al menos 32×32 (cinco *poolings* las dividen por 32); "
                         f"llegó {input_shape!r}.")
    if isinstance(classes, bool) or not isinstance(classes, int) or classes < 2:
        raise ValueError(f"`classes` debe ser un entero mayor o igual que 2; llegó {classes!r}.")
    if not 0 <= dropout < 1:
        raise ValueError(f"`dropout` debe estar en [0, 1); llegó {dropout!r}.")
    capas = [keras.Input(shape=tuple(input_shape), name="imagen")]
    for b, (n_convs, width) in enumerate(zip(VGG_BLOCKS[depth], VGG_WIDTHS), start=1):
        for i in range(1, n_convs + 1):
            capas.append(layers.Conv2D(width, 3, padding="same", activation="relu", name=f"block{b}_conv{i}"))
        capas.append(layers.MaxPooling2D(2, strides=2, name=f"block{b}_pool"))
    capas += [
        layers.Flatten(name="flatten"),
        layers.Dense(4096, activation="relu", name="fc1"),
        layers.Dropout(dropout, name="dropout1"),
        layers.Dense(4096, activation="relu", name="fc2"),
        layers.Dropout(dropout, name="dropout2"),
        layers.Dense(classes, activation="softmax", name="predictions"),
    ]
    return keras.Sequential(capas, name=f"vgg{depth}")


# === fin de la sección AlexNet y VGG ===


def _check_filters(**counts):
    """Comprueba que cada número de filtros sea un entero positivo (errores en español)."""
    for key, value in counts.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"`{key}` debe ser un entero positivo (número de filtros); llegó {value!r}.")


def inception_module(x, f1, f3_reduce, f3, f5_reduce, f5, pool_proj, name="inception"):
    """Módulo Inception con reducciones 1×1 (GoogLeNet, figura 2b de Szegedy et al., 2015).

    Cuatro ramas en paralelo sobre la misma entrada, concatenadas en el eje
    de los canales en este orden:

    1. convolución 1×1 de ``f1`` filtros;
    2. 1×1 de ``f3_reduce`` filtros (reducción) → 3×3 de ``f3`` filtros;
    3. 1×1 de ``f5_reduce`` filtros (reducción) → 5×5 de ``f5`` filtros;
    4. *max pooling* 3×3 con paso 1 → 1×1 de ``pool_proj`` filtros (proyección).

    Todas las convoluciones usan relleno ``'same'``, sesgo y ReLU, así que el
    alto y el ancho no cambian. Forma: ``(lote, H, W, C)`` →
    ``(lote, H, W, f1 + f3 + f5 + pool_proj)``. Las capas se llaman
    ``{name}_1x1``, ``{name}_3x3_reduce``, ``{name}_3x3``, ``{name}_5x5_reduce``,
    ``{name}_5x5``, ``{name}_pool``, ``{name}_pool_proj`` y ``{name}_concat``.

    ``x`` es un tensor simbólico de Keras de 4 ejes (API funcional); devuelve
    otro tensor simbólico.

    Ejemplo, el módulo (3a) de GoogLeNet: 28×28×192 → 28×28×256
    (64 + 128 + 32 + 32 canales) con 163 696 parámetros.

    >>> import keras                                              # doctest: +SKIP
    >>> entrada = keras.Input((28, 28, 192))                      # doctest: +SKIP
    >>> y = inception_module(entrada, 64, 96, 128, 16, 32, 32, name="3a")  # doctest: +SKIP
    >>> tuple(y.shape)                                            # doctest: +SKIP
    (None, 28, 28, 256)
    >>> keras.Model(entrada, y).count_params() == 163_696       # doctest: +SKIP
    True
    """
    import keras
    from keras import layers

    if not isinstance(x, keras.KerasTensor):
        raise TypeError("`x` debe ser un tensor simbólico de Keras (p. ej. `keras.Input((28, 28, 192))` "
                        f"o la salida de otra capa); llegó un objeto de tipo {type(x).__name__}.")
    if len(x.shape) != 4:
        raise ValueError("`x` debe tener 4 ejes (lote, alto, ancho, canales); "
                         f"llegó un tensor de forma {tuple(x.shape)}.")
    _check_filters(f1=f1, f3_reduce=f3_reduce, f3=f3, f5_reduce=f5_reduce, f5=f5, pool_proj=pool_proj)
    if not isinstance(name, str) or not name:
        raise ValueError(f"`name` debe ser un texto no vacío (prefijo de las capas); llegó {name!r}.")

    def conv(t, filters, size, suffix):
        return layers.Conv2D(filters, size, padding="same", activation="relu", name=f"{name}_{suffix}")(t)

    branch1 = conv(x, f1, 1, "1x1")
    branch3 = conv(conv(x, f3_reduce, 1, "3x3_reduce"), f3, 3, "3x3")
    branch5 = conv(conv(x, f5_reduce, 1, "5x5_reduce"), f5, 5, "5x5")
    pooled = layers.MaxPooling2D(3, strides=1, padding="same", name=f"{name}_pool")(x)
    branch_pool = conv(pooled, pool_proj, 1, "pool_proj")
    return layers.Concatenate(axis=-1, name=f"{name}_concat")([branch1, branch3, branch5, branch_pool])


# Tabla 1 de Szegedy et al. (2015): filtros de cada módulo Inception, en el
# orden #1×1, #3×3 reduce, #3×3, #5×5 reduce, #5×5, pool proj.
GOOGLENET_INCEPTION = {
    "3a": (64, 96, 128, 16, 32, 32),
    "3b": (128, 128, 192, 32, 96, 64),
    "4a": (192, 96, 208, 16, 48, 64),
    "4b": (160, 112, 224, 24, 64, 64),
    "4c": (128, 128, 256, 24, 64, 64),
    "4d": (112, 144, 288, 32, 64, 64),
    "4e": (256, 160, 320, 32, 128, 128),
    "5a": (256, 160, 320, 32, 128, 128),
    "5b": (384, 192, 384, 48, 128, 128),
}

# Filas de la tabla 1, en orden; cada capa del modelo pertenece a la fila
# cuyo nombre es el suyo o un prefijo seguido de «_».
GOOGLENET_ROWS = ("conv1", "pool1", "conv2", "pool2", "inception_3a", "inception_3b", "pool3",
                  "inception_4a", "inception_4b", "inception_4c", "inception_4d", "inception_4e",
                  "pool4", "inception_5a", "inception_5b", "pool5", "dropout", "linear", "softmax")


def googlenet(input_shape=(224, 224, 3), classes: int = 1000, aux_classifiers: bool = False):
    """GoogLeNet (Inception-v1) de la tabla 1 de Szegedy et al. (2015), con pesos aleatorios.

    ``conv1`` 7×7/2 de 64 → *max pooling* 3×3/2 → ``conv2`` (1×1 de 64 y
    3×3 de 192) → *max pooling* 3×3/2 → módulos 3a, 3b → *pooling* → 4a … 4e
    → *pooling* → 5a, 5b → *pooling* promedio de todo el mapa → *dropout* del
    40 % → capa lineal de ``classes`` salidas → softmax. Con 224×224×3 la
    salida de cada fila es la de la tabla (112×112×64, 56×56×64, …,
    1×1×1024, 1×1×1000). Las capas se llaman como las filas de
    :data:`GOOGLENET_ROWS` (``conv1``, ``inception_3a_…``, ``linear``…).
    Todas las convoluciones y *poolings* usan relleno ``'same'``.

    Diferencia con el artículo: no lleva las dos normalizaciones locales de
    respuesta (LRN), que no tienen parámetros y Keras no trae.

    ``aux_classifiers=True`` agrega los dos clasificadores auxiliares, sobre
    las salidas de 4a y 4d: *pooling* promedio 5×5/3, 1×1 de 128, densa de
    1024, *dropout* del 70 % y softmax de ``classes``. El modelo devuelve
    entonces tres salidas: ``[principal, aux1, aux2]``.

    >>> modelo = googlenet()                      # doctest: +SKIP
    >>> modelo.count_params() == 6_998_552        # doctest: +SKIP
    True
    """
    import keras
    from keras import layers

    shape = tuple(input_shape)
    if len(shape) != 3 or not all(isinstance(n, int) and n > 0 for n in shape):
        raise ValueError(f"`input_shape` debe ser (alto, ancho, canales) con enteros positivos, "
                         f"p. ej. (224, 224, 3); llegó {input_shape!r}.")
    if aux_classifiers and min(shape[:2]) < 224:
        raise ValueError("Los clasificadores auxiliares necesitan imágenes de al menos 224×224 "
                         f"(su *pooling* 5×5/3 se aplica a mapas de 14×14); llegó {input_shape!r}.")
    if isinstance(classes, bool) or not isinstance(classes, int) or classes < 2:
        raise ValueError(f"`classes` debe ser un entero mayor o igual que 2; llegó {classes!r}.")
    if not isinstance(aux_classifiers, bool):
        raise TypeError(f"`aux_classifiers` debe ser True o False; llegó {aux_classifiers!r}.")

    def conv(t, filters, size, name, stride=1):
        return layers.Conv2D(filters, size, strides=stride, padding="same", activation="relu", name=name)(t)

    def max_pool(t, name):
        return layers.MaxPooling2D(3, strides=2, padding="same", name=name)(t)

    def auxiliary(t, name):
        t = layers.AveragePooling2D(5, strides=3, name=f"{name}_pool")(t)
        t = conv(t, 128, 1, f"{name}_conv")
        t = layers.Flatten(name=f"{name}_flatten")(t)
        t = layers.Dense(1024, activation="relu", name=f"{name}_fc")(t)
        t = layers.Dropout(0.7, name=f"{name}_dropout")(t)
        return layers.Dense(classes, activation="softmax", name=f"{name}_linear")(t)

    inputs = keras.Input(shape, name="imagen")
    x = conv(inputs, 64, 7, "conv1", stride=2)
    x = max_pool(x, "pool1")
    x = conv(conv(x, 64, 1, "conv2_reduce"), 192, 3, "conv2")
    x = max_pool(x, "pool2")
    aux = []
    for module, filters in GOOGLENET_INCEPTION.items():
        x = inception_module(x, *filters, name=f"inception_{module}")
        if aux_classifiers and module in ("4a", "4d"):
            aux.append(auxiliary(x, f"aux{len(aux) + 1}"))
        if module in ("3b", "4e"):
            x = max_pool(x, "pool3" if module == "3b" else "pool4")
    x = layers.AveragePooling2D(tuple(x.shape[1:3]), strides=1, name="pool5")(x)   # 7×7/1 con 224×224
    x = layers.Dropout(0.4, name="dropout")(x)
    x = layers.Dense(classes, name="linear")(x)          # sobre 1×1×1024: una posición
    x = layers.Softmax(name="softmax")(x)
    outputs = layers.Flatten(name="softmax_flatten")(x)  # (lote, 1, 1, classes) → (lote, classes)
    if aux:
        return keras.Model(inputs, [outputs, *aux], name="googlenet")
    return keras.Model(inputs, outputs, name="googlenet")


def googlenet_table1(model=None) -> list:
    """Recalcula las columnas de la tabla 1 del artículo de GoogLeNet por fila.

    Agrupa las capas de ``model`` (por omisión ``googlenet()``) en las filas
    de :data:`GOOGLENET_ROWS` y devuelve una lista de diccionarios con
    ``row`` (nombre de la fila), ``output`` (forma de salida sin el lote),
    ``params`` (con sesgos), ``weights`` (solo los pesos de los núcleos, sin
    sesgos, como cuenta el artículo) y ``macs`` (MAC por imagen,
    con :func:`utils.counting.count_flops`). Los clasificadores auxiliares,
    si los hay, forman dos filas más, ``aux1`` y ``aux2``.

    >>> [f["row"] for f in googlenet_table1()][:3]           # doctest: +SKIP
    ['conv1', 'pool1', 'conv2']
    """
    import math

    from .counting import count_flops

    model = googlenet() if model is None else model
    table = count_flops(model)
    rows = [r for r in GOOGLENET_ROWS + ("aux1", "aux2")
            if any(l.name == r or l.name.startswith(r + "_") for l in model.layers)]
    result = []
    for row in rows:
        members = [l.name for l in model.layers if l.name == row or l.name.startswith(row + "_")]
        main = next(n for n in (row, f"{row}_concat", f"{row}_linear", members[-1]) if n in members)
        result.append({"row": row, "output": tuple(model.get_layer(main).output.shape[1:]),
                       "params": sum(table[n].params for n in members),
                       "weights": sum(math.prod(w.shape) for n in members
                                      for w in model.get_layer(n).weights if len(w.shape) > 1),
                       "macs": sum(table[n].macs for n in members)})
    return result


# === fin de la sección Inception ===


def _check_resnet_block(x, filters, stride, name, fn):
    shape = getattr(x, "shape", None)
    if shape is None or len(shape) != 4:
        raise ValueError(f"`{fn}` espera un tensor de Keras con forma (lote, alto, ancho, canales), "
                         f"p. ej. keras.Input((32, 32, 16)); llegó {shape if shape is not None else type(x).__name__!r}.")
    for arg, value in (("filters", filters), ("stride", stride)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"`{arg}` debe ser un entero positivo; llegó {value!r}.")
    if not isinstance(name, str) or not name:
        raise ValueError(f"`name` debe ser un texto no vacío (prefijo de los nombres de las capas); llegó {name!r}.")


def _resnet_conv(x, filters, size, stride, name, batch_norm=True, relu=True, bias=False):
    """Convolución «same» (sin sesgo si la sigue una normalización por lotes, salvo ``bias``) → [BN] → [ReLU]."""
    from keras import layers

    x = layers.Conv2D(filters, size, strides=stride, padding="same", use_bias=bias or not batch_norm, name=name)(x)
    if batch_norm:
        x = layers.BatchNormalization(name=name + "_bn")(x)
    return layers.ReLU(name=name + "_relu")(x) if relu else x


def _resnet_shortcut(x, filters, stride, name, batch_norm=True, option="B", bias=False):
    """Atajo del bloque: identidad si no cambian las dimensiones; si cambian,
    proyección 1×1 con paso (opción B) o submuestreo + ceros en los canales (opción A)."""
    from keras import layers

    if stride == 1 and x.shape[-1] == filters:
        return x  # identidad: 0 parámetros
    if option == "B":
        return _resnet_conv(x, filters, 1, stride, name + "_proj", batch_norm=batch_norm, relu=False, bias=bias)
    c = x.shape[-1]
    if filters < c:
        raise ValueError(f"El atajo de la opción A solo puede añadir canales ({c} → {filters}); usa la opción B.")
    # Opción A: toma un píxel de cada `stride` y rellena con ceros los canales nuevos.
    x = layers.MaxPooling2D(pool_size=1, strides=stride, name=name + "_subsample")(x)
    h, w = x.shape[1:3]
    x = layers.Reshape((h, w, c, 1), name=name + "_to5d")(x)
    x = layers.ZeroPadding3D(((0, 0), (0, 0), (0, filters - c)), name=name + "_zeros")(x)
    return layers.Reshape((h, w, filters), name=name + "_to4d")(x)


def residual_block(x, filters, stride=1, batch_norm=True, name="res", *, shortcut="B", conv_bias=False):
    """Bloque residual básico (dos 3×3) con atajo identidad o proyección 1×1: ``ReLU(F(x) + atajo(x))``.

    Rama principal: conv 3×3 con paso ``stride`` → [BN] → ReLU → conv 3×3 →
    [BN]. Atajo: la **identidad** si ``stride == 1`` y la entrada ya tiene
    ``filters`` canales (0 parámetros); si no, una **proyección** conv 1×1
    con paso ``stride`` (+ BN), la opción B del artículo de ResNet. Después se
    suman las dos ramas y se aplica ReLU.

    Parámetros
    ----------
    x : tensor de Keras de forma (lote, H, W, C)
    filters : int
        Canales de salida ``F`` de las dos convoluciones.
    stride : int
        Paso de la primera 3×3 (y de la proyección); 2 reduce H y W a la mitad.
    batch_norm : bool
        Con ``True`` las convoluciones no llevan sesgo y van seguidas de
        ``BatchNormalization`` (como en :func:`resnet_imagenet`); con
        ``False``, llevan sesgo y no hay normalización.
    name : str
        Prefijo de las capas: ``{name}_a``, ``{name}_b``, ``{name}_proj``,
        ``{name}_add``, ``{name}_out``…
    shortcut : {"B", "A"}
        Solo cuando cambian las dimensiones: ``"B"`` proyección 1×1;
        ``"A"`` submuestreo e identidad rellena con ceros (0 parámetros).
    conv_bias : bool
        Sesgo también en las convoluciones seguidas de BN (redundante, pero
        es lo que hace ``keras.applications``).

    Devuelve un tensor de forma (lote, ⌈H/stride⌉, ⌈W/stride⌉, F).

    Parámetros que añade (Keras cuenta 4·F por BN: γ, β y las dos medias
    móviles): 9·C·F + 9·F·F, más 2·4·F con BN (o 2·F sesgos sin BN), más
    C·F + 4·F si hay proyección. Con 56×56×64 y ``filters=64``: 74 240
    (73 984 entrenables); 56×56×64 → ``filters=128, stride=2``: 28×28×128
    y 230 912.

    >>> import keras                                     # doctest: +SKIP
    >>> x = keras.Input((56, 56, 64))                    # doctest: +SKIP
    >>> y = residual_block(x, 128, stride=2, name="b1")  # doctest: +SKIP
    >>> tuple(y.shape), keras.Model(x, y).count_params() == 230_912  # doctest: +SKIP
    ((None, 28, 28, 128), True)
    """
    from keras import layers

    _check_resnet_block(x, filters, stride, name, "residual_block")
    if not isinstance(batch_norm, bool):
        raise TypeError(f"`batch_norm` debe ser True o False; llegó {batch_norm!r}.")
    if shortcut not in ("A", "B"):
        raise ValueError(f"`shortcut` debe ser 'A' (relleno de ceros) o 'B' (proyección); llegó {shortcut!r}.")
    y = _resnet_conv(x, filters, 3, stride, name + "_a", batch_norm, bias=conv_bias)
    y = _resnet_conv(y, filters, 3, 1, name + "_b", batch_norm, relu=False, bias=conv_bias)
    y = layers.Add(name=name + "_add")([_resnet_shortcut(x, filters, stride, name, batch_norm, shortcut, conv_bias), y])
    return layers.ReLU(name=name + "_out")(y)


def bottleneck_block(x, filters, stride=1, name="cuello", *, shortcut="B", conv_bias=False):
    """Bloque de cuello de botella 1×1 → 3×3 → 1×1 (4·filters salidas), el de ResNet-50/101/152.

    La primera 1×1 (con paso ``stride``, como en el artículo) reduce los
    canales a ``filters``; la 3×3 trabaja con esos pocos canales; la última
    1×1 los sube a ``4·filters``. Cada convolución va sin sesgo y seguida de
    ``BatchNormalization``; ReLU tras las dos primeras y tras la suma. Atajo:
    identidad si ``stride == 1`` y la entrada ya tiene ``4·filters`` canales;
    si no, proyección 1×1 con paso (+ BN), o la opción A con ``shortcut="A"``.

    Parámetros
    ----------
    x : tensor de Keras de forma (lote, H, W, C)
    filters : int
        Canales del «cuello» ``F``; la salida tiene ``4·F``.
    stride : int
        Paso de la primera 1×1 (y de la proyección).
    name : str
        Prefijo de las capas: ``{name}_a``, ``{name}_b``, ``{name}_c``,
        ``{name}_proj``, ``{name}_add``, ``{name}_out``.
    shortcut : {"B", "A"}
        Atajo cuando cambian las dimensiones, como en :func:`residual_block`.
    conv_bias : bool
        Sesgo también en las convoluciones (lo hace ``keras.applications``).

    Devuelve un tensor de forma (lote, ⌈H/stride⌉, ⌈W/stride⌉, 4·F).

    Parámetros: C·F + 9·F·F + F·4F = (C + 9F + 4F)·F, más 4·(F + F + 4F) de
    las BN. Con 56×56×256 y ``filters=64``: 56×56×256 y 71 168 parámetros
    (69 632 de pesos): casi lo mismo que un bloque básico de 64 canales
    (74 240) pero con cuatro veces más canales a la salida.

    >>> import keras                                     # doctest: +SKIP
    >>> x = keras.Input((56, 56, 256))                   # doctest: +SKIP
    >>> y = bottleneck_block(x, 64, name="c1")           # doctest: +SKIP
    >>> tuple(y.shape), keras.Model(x, y).count_params() == 71_168  # doctest: +SKIP
    ((None, 56, 56, 256), True)
    """
    from keras import layers

    _check_resnet_block(x, filters, stride, name, "bottleneck_block")
    if shortcut not in ("A", "B"):
        raise ValueError(f"`shortcut` debe ser 'A' (relleno de ceros) o 'B' (proyección); llegó {shortcut!r}.")
    y = _resnet_conv(x, filters, 1, stride, name + "_a", bias=conv_bias)
    y = _resnet_conv(y, filters, 3, 1, name + "_b", bias=conv_bias)
    y = _resnet_conv(y, 4 * filters, 1, 1, name + "_c", relu=False, bias=conv_bias)
    y = layers.Add(name=name + "_add")([_resnet_shortcut(x, 4 * filters, stride, name, True, shortcut, conv_bias), y])
    return layers.ReLU(name=name + "_out")(y)


# profundidad → (tipo de bloque, bloques por etapa conv2_x … conv5_x)
RESNET_SPECS = {
    18: ("basic", (2, 2, 2, 2)),
    34: ("basic", (3, 4, 6, 3)),
    50: ("bottleneck", (3, 4, 6, 3)),
    101: ("bottleneck", (3, 4, 23, 3)),
    152: ("bottleneck", (3, 8, 36, 3)),
}

# FLOPs (MAC, ×10⁹) de la tabla 1 del artículo.
RESNET_PAPER_GFLOPS = {18: 1.8, 34: 3.6, 50: 3.8, 101: 7.6, 152: 11.3}


def resnet_imagenet(depth: int = 50, shortcut: str = "B", input_shape=(224, 224, 3),
                    classes: int = 1000, conv_bias: bool = False):
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

    Las convoluciones no llevan sesgo (las sigue una normalización por lotes,
    que lo anula). Con la opción B, los parámetros entrenables coinciden con
    los de ``torchvision`` (11 689 512 para ResNet-18); Keras cuenta además las
    medias y varianzas móviles de cada ``BatchNormalization``.
    ``conv_bias=True`` pone sesgo en cada convolución, como hace
    ``keras.applications.ResNet50``: así ResNet-50 tiene 25 636 712
    parámetros, los mismos que la de Keras (las MAC no
    cambian: los sesgos no cuestan).

    >>> modelo = resnet_imagenet(18)                 # doctest: +SKIP
    >>> modelo.count_params() == 11_699_112          # doctest: +SKIP
    True
    """
    import keras
    from keras import layers

    if depth not in RESNET_SPECS:
        raise ValueError(f"`depth` debe ser una de {sorted(RESNET_SPECS)}; llegó {depth!r}.")
    if shortcut not in ("A", "B"):
        raise ValueError(f"`shortcut` debe ser 'A' (relleno de ceros) o 'B' (proyección); llegó {shortcut!r}.")
    kind, blocks = RESNET_SPECS[depth]

    block = residual_block if kind == "basic" else bottleneck_block
    inputs = keras.Input(input_shape, name="imagen")
    if not isinstance(conv_bias, bool):
        raise TypeError(f"`conv_bias` debe ser True o False; llegó {conv_bias!r}.")
    x = _resnet_conv(inputs, 64, 7, 2, "conv1", bias=conv_bias)
    x = layers.MaxPooling2D(3, strides=2, padding="same", name="pool1")(x)
    for stage, n_blocks in enumerate(blocks):
        filters = 64 * 2 ** stage
        for i in range(n_blocks):
            stride = 2 if i == 0 and stage > 0 else 1
            x = block(x, filters, stride, name=f"conv{stage + 2}_{i + 1}", shortcut=shortcut, conv_bias=conv_bias)
    x = layers.GlobalAveragePooling2D(name="pool5")(x)
    outputs = layers.Dense(classes, activation="softmax", name="fc")(x)
    return keras.Model(inputs, outputs, name=f"resnet{depth}")


def resnet_flops_table(depths=(18, 34, 50, 101, 152), shortcut=None) -> list:
    """Recalcula la fila «FLOPs» de la tabla 1 del artículo de ResNet.

    Devuelve una lista de diccionarios con ``depth``, ``shortcut``,
    ``params``, ``trainable_params``, ``flops`` (MAC por imagen de 224×224) y
    ``paper`` (el valor publicado, ×10⁹). Con ``shortcut=None`` se usa lo que
    usó el artículo: opción A para 18 y 34 capas, B para 50, 101 y 152.

    Resultado (redondeando a un decimal): 1.8 · 3.6 · 3.9 · 7.6 · 11.3 × 10⁹,
    igual que el artículo salvo ResNet-50, donde publica 3.8. Lo que se
    averiguó al comparar convenciones:

    * ResNet-18/34 dan 1.79 y 3.64 × 10⁹ con la opción A; con proyecciones
      (opción B) dan 1.81 y 3.66, y ResNet-34 se redondearía a 3.7. El
      artículo usa la opción A para esas redes, así que su 3.6 cuadra.
    * ResNet-50 da 3.86 × 10⁹, lo mismo que ``keras.applications.ResNet50``.
      Ninguna convención coherente lo baja a 3.8 sin estropear otra columna:
      quitar la capa densa (0.002) no basta; quitar la proyección de conv2_1
      (0.05) da 3.81, pero entonces ResNet-101 y -152 bajan a 7.5 y 11.2; y
      truncar en vez de redondear también da 7.5 y 11.2. El 3.8 del artículo
      parece un truncamiento aislado.
    * Poner el paso 2 en la 3×3 del cuello de botella (la «ResNet v1.5» de
      ``torchvision``) sube ResNet-50 a 4.09 × 10⁹: no es la red del artículo.

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




def resnet_cifar(n: int = 3, shortcut: str = "A", plain: bool = False, input_shape=(32, 32, 3),
                 classes: int = 10, widths=(16, 32, 64)):
    """ResNet de CIFAR-10 con 6n+2 capas (sección 4.2 del artículo) o su versión «plana».

    Conv 3×3 de 16 filtros, tres etapas de ``n`` bloques básicos con 16, 32 y
    64 filtros sobre mapas de 32×32, 16×16 y 8×8 (la primera 3×3 de las
    etapas 2 y 3 tiene paso 2), *pooling* promedio global y una capa densa de
    ``classes`` salidas: 1 + 6n + 1 capas con pesos. ``n = 3, 5, 7, 9`` da
    ResNet-20, 32, 44 y 56.

    ``plain=True`` quita los atajos (la red «plana» de la misma profundidad y
    casi los mismos parámetros). ``widths`` da los filtros de las tres etapas
    (los del artículo son 16, 32 y 64; el capítulo 12 usa redes más estrechas
    para entrenarlas en CPU). ``shortcut`` es ``"A"`` (ceros, la que usó el
    artículo en CIFAR, sin parámetros extra) o ``"B"`` (proyecciones 1×1).

    Parámetros entrenables con la opción A: 269 722 para ResNet-20 (el
    artículo dice 0.27 M) y 853 018 para ResNet-56 (0.85 M); la red plana
    tiene los mismos. Keras cuenta además las medias y varianzas móviles
    de las BN (271 098 y 857 082 en total).

    >>> modelo = resnet_cifar(3)                         # doctest: +SKIP
    >>> modelo.name, modelo.count_params() == 271_098    # doctest: +SKIP
    ('resnet20', True)
    """
    import keras
    from keras import layers

    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"`n` debe ser un entero positivo (la red tiene 6n+2 capas; n=3 es ResNet-20); llegó {n!r}.")
    if shortcut not in ("A", "B"):
        raise ValueError(f"`shortcut` debe ser 'A' (relleno de ceros) o 'B' (proyección); llegó {shortcut!r}.")
    if not isinstance(plain, bool):
        raise TypeError(f"`plain` debe ser True o False; llegó {plain!r}.")
    if (len(tuple(widths)) != 3 or any(isinstance(w, bool) or not isinstance(w, int) or w < 1 for w in widths)
            or list(widths) != sorted(widths)):
        raise ValueError(f"`widths` debe tener tres enteros positivos no decrecientes (filtros de cada etapa); llegó {widths!r}.")
    inputs = keras.Input(input_shape, name="imagen")
    x = _resnet_conv(inputs, widths[0], 3, 1, "conv1")
    for stage, filters in enumerate(widths):
        for i in range(n):
            stride = 2 if i == 0 and stage > 0 else 1
            name = f"etapa{stage + 1}_{i + 1}"
            if plain:
                x = _resnet_conv(x, filters, 3, stride, name + "_a")
                x = _resnet_conv(x, filters, 3, 1, name + "_b")
            else:
                x = residual_block(x, filters, stride, name=name, shortcut=shortcut)
    x = layers.GlobalAveragePooling2D(name="pool")(x)
    outputs = layers.Dense(classes, activation="softmax", name="fc")(x)
    return keras.Model(inputs, outputs, name=f"{'plana' if plain else 'resnet'}{6 * n + 2}")


def deep_dense_net(depth: int, width: int = 64, residual: bool = False, input_dim: int = 784,
                   classes: int = 10):
    """Red densa de ``depth`` capas con pesos, plana o residual: el experimento de la degradación.

    * Plana: ``depth − 1`` capas ``Dense(width, relu)`` y la de salida.
    * Residual (``depth`` par, ≥ 4): una ``Dense(width, relu)`` de entrada,
      ``(depth − 2)/2`` bloques ``h ← ReLU(h + W₂·ReLU(W₁·h + b₁) + b₂)`` y la
      salida: las mismas capas y parámetros que la plana, más los atajos.

    La última capa de cada rama residual empieza en **cero**: al iniciar,
    cada bloque es la identidad y la red se comporta como una red de 2 capas
    (no explota por sumar muchas ramas). Los gradientes hacia W₂ no son cero,
    así que las ramas aprenden desde el primer paso. Las demás capas usan la
    inicialización de He (``he_normal``).

    Entrada: (lote, ``input_dim``); salida: probabilidades (lote, ``classes``).

    >>> deep_dense_net(4).count_params() == 59_210       # doctest: +SKIP
    True
    """
    import keras
    from keras import layers

    for arg, value in (("depth", depth), ("width", width), ("input_dim", input_dim), ("classes", classes)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 2:
            raise ValueError(f"`{arg}` debe ser un entero mayor o igual que 2; llegó {value!r}.")
    if residual and (depth % 2 or depth < 4):
        raise ValueError(f"Con `residual=True`, `depth` debe ser par y al menos 4 "
                         f"(entrada + bloques de dos capas + salida); llegó {depth!r}.")
    dense = lambda name, **kw: layers.Dense(width, kernel_initializer="he_normal", name=name, **kw)  # noqa: E731
    inputs = keras.Input((input_dim,), name="entrada")
    h = dense("densa1", activation="relu")(inputs)
    if residual:
        for b in range((depth - 2) // 2):
            f = dense(f"bloque{b + 1}_a", activation="relu")(h)
            f = layers.Dense(width, kernel_initializer="zeros", name=f"bloque{b + 1}_b")(f)
            h = layers.ReLU(name=f"bloque{b + 1}_out")(layers.Add(name=f"bloque{b + 1}_suma")([h, f]))
    else:
        for i in range(2, depth):
            h = dense(f"densa{i}", activation="relu")(h)
    outputs = layers.Dense(classes, activation="softmax", name="salida")(h)
    return keras.Model(inputs, outputs, name=f"{'residual' if residual else 'plana'}{depth}")
# === fin de la sección ResNet ===
