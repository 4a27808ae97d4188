"""Código de referencia del curso *Aprendizaje profundo*.

Los capítulos derivan cada idea una vez y luego la importan desde aquí; los
laboratorios comparan el trabajo del estudiante con estas implementaciones.
Importar ``utils`` es liviano: ningún módulo carga TensorFlow al importarse.

Módulos de contenido (NumPy puro, con docstrings y errores en español):

- ``activations``: sigmoide, tanh, ReLU, leaky ReLU, softmax y sus derivadas.
- ``losses``: entropía cruzada binaria y categórica, error cuadrático medio.
- ``neuron``: regresión logística (una neurona) con descenso del gradiente.
- ``mlp``: red densa de cualquier profundidad, retropropagación y comprobación de gradientes.
- ``optimizers``: SGD (con momento y Nesterov), RMSprop y Adam, iguales a los de Keras.
- ``metrics``: matriz de confusión, precisión, exhaustividad y F1 calculadas a mano; curva ROC y AUC; IoU y Dice de máscaras.
- ``vision``: ventanas deslizantes, IoU de cajas, supresión de no máximos y emparejamiento de detecciones.
- ``conv``: convolución y *pooling* (versión con bucles y vectorizada), tamaños y parámetros.
- ``rnn``: celdas y capas SimpleRNN, LSTM y GRU con la disposición de pesos de Keras; gradiente por paso.
- ``reber``: la gramática de Reber incrustada (el banco de pruebas de la LSTM de 1997).
- ``counting``: parámetros y MAC por capa de un modelo de Keras.
- ``architectures``: LeNet-5 (la de 1998 contada y la habitual de Keras), AlexNet, VGG, el módulo
  Inception y GoogLeNet, bloques residuales y las ResNet de ImageNet y de CIFAR-10, construidas
  a partir de las tablas de sus artículos.

Herramientas del curso:

- ``device``: qué acelerador hay y a qué escala entrenar.
- ``data``: cargadores que funcionan sin Internet (Fashion-MNIST, MNIST, CO₂ semanal de Mauna Loa).
- ``book``: valores para la prosa (``glue``), código fuente y estilo de figuras.
- ``plots``: figuras compartidas (frontera de decisión de un clasificador de dos rasgos).
- ``checks``: comprobaciones de los laboratorios con mensajes que enseñan.
- ``notebooks``: celda de preparación, metadatos y cuadernos del estudiante.
- ``grade``: punto de entrada del calificador (``python -m utils.grade``); el calificador vive en el paquete ``grader/``.
- ``validation``: validación de entradas compartida.
"""

from .device import report_device

__all__ = ["report_device"]
