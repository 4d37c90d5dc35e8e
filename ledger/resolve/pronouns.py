PRONOUNS = {"he": "m", "him": "m", "his": "m", "she": "f", "her": "f", "hers": "f",
            "they": "p", "them": "p", "their": "p", "it": "n", "its": "n",
            "i": "s", "we": "p", "you": "s", "who": "?"}


def is_pronoun(text: str) -> bool:
    return text.strip().lower() in PRONOUNS
