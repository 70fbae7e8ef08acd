"""A stand-in translator for the protection tests."""


class Echo:
    """Gives back what it is given: what the model would see."""

    model = "echo"

    def __init__(self):
        self.seen = []

    def supports(self, src, tgt):
        return src != tgt

    def translate_sentences(self, sentences, src, tgt, notes=None, scores=None):
        self.seen += list(sentences)
        return list(sentences)
