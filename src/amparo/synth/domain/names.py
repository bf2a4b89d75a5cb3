"""Pools of common given names and surnames for synthetic people, with rough frequency weights.

Written for Amparo from general knowledge of naming in Peru and its
neighbours: no real individual is named. Peruvians carry one or two given
names and two surnames (father's, then mother's); Quechua and Aymara surnames
are most common in the southern Andes, Amazonian ones in the jungle.
"""

import random

# Listed from most to least common; weights fall off with the rank.
FEMALE_GIVEN = (
    "María",
    "Rosa",
    "Luz",
    "Milagros",
    "Flor",
    "Yesenia",
    "Juana",
    "Carmen",
    "Ana",
    "Maribel",
    "Sandra",
    "Karina",
    "Rocío",
    "Lizbeth",
    "Jhoselyn",
    "Mayra",
    "Katherine",
    "Diana",
    "Nayeli",
    "Yuliana",
    "Gladys",
    "Elizabeth",
    "Patricia",
    "Sonia",
    "Mercedes",
    "Roxana",
    "Fiorela",
    "Shirley",
    "Kiara",
    "Angie",
    "Yadira",
    "Ruth",
    "Nelly",
    "Betty",
    "Marleni",
    "Edith",
    "Zulema",
    "Lucía",
    "Sheyla",
    "Brenda",
    "Valeria",
    "Camila",
    "Dayana",
    "Xiomara",
    "Nilda",
    "Delia",
    "Isabel",
    "Teresa",
)
MALE_GIVEN = (
    "José",
    "Luis",
    "Juan",
    "Carlos",
    "Jorge",
    "Miguel",
    "Jhon",
    "César",
    "Víctor",
    "Edwin",
    "Wilber",
    "Percy",
    "Alex",
    "Kevin",
    "Brayan",
    "Jhonatan",
    "Elmer",
    "Rubén",
    "Raúl",
    "Walter",
    "Fredy",
    "Henry",
    "Nilton",
    "Roger",
    "Marco",
    "Diego",
    "Anthony",
    "Jean",
    "Pedro",
    "Santos",
)
VENEZUELAN_FEMALE_GIVEN = (
    "María",
    "Daniela",
    "Andreína",
    "Génesis",
    "Oriana",
    "Yorgelis",
    "Yuleidy",
    "Mariángel",
    "Roxana",
    "Dayerlin",
    "Yusmary",
    "Valentina",
    "Nathaly",
    "Greisy",
    "Scarlet",
    "Karelys",
)
VENEZUELAN_MALE_GIVEN = ("José", "Luis", "Jesús", "Carlos", "Yorman", "Deivis", "Jhonder", "Wilmer", "Eduardo")

SPANISH_SURNAMES = (
    "Flores",
    "Rodríguez",
    "Sánchez",
    "García",
    "Rojas",
    "Díaz",
    "Torres",
    "López",
    "Ramírez",
    "Chávez",
    "Vásquez",
    "Gonzales",
    "Mendoza",
    "Castillo",
    "Ramos",
    "Espinoza",
    "Pérez",
    "Gutiérrez",
    "Ruiz",
    "Romero",
    "Fernández",
    "Vargas",
    "Cruz",
    "Salazar",
    "Castro",
    "Medina",
    "Reyes",
    "Álvarez",
    "Herrera",
    "Córdova",
    "Rivera",
    "Silva",
    "Aguilar",
    "Ortiz",
    "Paredes",
    "Núñez",
    "Palomino",
    "Cárdenas",
)
ANDEAN_SURNAMES = (  # Quechua and Aymara
    "Quispe",
    "Mamani",
    "Huamán",
    "Condori",
    "Ccori",
    "Huanca",
    "Apaza",
    "Choque",
    "Ccama",
    "Ticona",
    "Yupanqui",
    "Huaman",
    "Cusi",
    "Puma",
    "Coaquira",
    "Chambi",
    "Sullca",
    "Ccahuana",
    "Cutipa",
    "Layme",
    "Pari",
    "Huillca",
    "Ayma",
    "Chalco",
    "Ccopa",
    "Taipe",
    "Huarcaya",
    "Cahuana",
    "Quilla",
    "Atau",
)
AMAZONIAN_SURNAMES = (
    "Panduro",
    "Pinedo",
    "Ríos",
    "Tapullima",
    "Shapiama",
    "Tuanama",
    "Sangama",
    "Fasabi",
    "Isuiza",
    "Amasifuen",
    "Cachique",
    "Mozombite",
    "Ahuanari",
    "Yaicate",
    "Huayunga",
    "Tananta",
)
VENEZUELAN_SURNAMES = (
    "González",
    "Rodríguez",
    "Pérez",
    "Hernández",
    "García",
    "Martínez",
    "López",
    "Díaz",
    "Marcano",
    "Briceño",
    "Rondón",
    "Guevara",
    "Colmenares",
    "Zambrano",
    "Blanco",
    "Mendoza",
)
COLOMBIAN_SURNAMES = (
    "Rodríguez",
    "Gómez",
    "Martínez",
    "Jiménez",
    "Ospina",
    "Cardona",
    "Restrepo",
    "Muñoz",
    "Castaño",
    "Valencia",
    "Henao",
    "Rendón",
)
ECUADORIAN_SURNAMES = ("Quishpe", "Chicaiza", "Guamán", "Zambrano", "Vera", "Moreira", "Cedeño", "Alvarado", "Pilco")
BOLIVIAN_SURNAMES = (
    "Mamani",
    "Quispe",
    "Choque",
    "Condori",
    "Flores",
    "Apaza",
    "Limachi",
    "Copa",
    "Vargas",
    "Callisaya",
)

# Departments where Andean or Amazonian surnames are the majority.
ANDEAN_DEPARTMENTS = frozenset({"03", "05", "08", "09", "21", "12", "10", "19", "06", "02"})
AMAZONIAN_DEPARTMENTS = frozenset({"16", "17", "22", "25", "01"})
MASCULINE = frozenset({"Masculine", "TransgenderMasculine"})


def _weighted(rng: random.Random, pool: tuple[str, ...]) -> str:
    weights = [1 / (rank + 1) ** 0.6 for rank in range(len(pool))]
    return rng.choices(pool, weights)[0]


def _surname_pools(citizenship: str, home_department: str) -> tuple[tuple[tuple[str, ...], float], ...]:
    if citizenship == "VE":
        return ((VENEZUELAN_SURNAMES, 1.0),)
    if citizenship == "CO":
        return ((COLOMBIAN_SURNAMES, 1.0),)
    if citizenship == "EC":
        return ((ECUADORIAN_SURNAMES, 1.0),)
    if citizenship == "BO":
        return ((BOLIVIAN_SURNAMES, 1.0),)
    if home_department in ANDEAN_DEPARTMENTS:
        return ((ANDEAN_SURNAMES, 0.65), (SPANISH_SURNAMES, 0.35))
    if home_department in AMAZONIAN_DEPARTMENTS:
        return ((AMAZONIAN_SURNAMES, 0.35), (SPANISH_SURNAMES, 0.5), (ANDEAN_SURNAMES, 0.15))
    return ((SPANISH_SURNAMES, 0.6), (ANDEAN_SURNAMES, 0.4))


def surname(rng: random.Random, citizenship: str, home_department: str) -> str:
    pools = _surname_pools(citizenship, home_department)
    pool = rng.choices([p for p, _ in pools], [w for _, w in pools])[0]
    return _weighted(rng, pool)


def given_names(rng: random.Random, gender: str, citizenship: str) -> str:
    """One given name, or two (about a third of people)."""
    if citizenship == "VE":
        pool = VENEZUELAN_MALE_GIVEN if gender in MASCULINE else VENEZUELAN_FEMALE_GIVEN
    else:
        pool = MALE_GIVEN if gender in MASCULINE else FEMALE_GIVEN
    first = _weighted(rng, pool)
    if rng.random() < 0.35:
        second = _weighted(rng, pool)
        if second != first:
            return f"{first} {second}"
    return first


def full_surnames(rng: random.Random, citizenship: str, home_department: str) -> str:
    """Father's and mother's surnames, as Peruvian documents write them."""
    return f"{surname(rng, citizenship, home_department)} {surname(rng, citizenship, home_department)}"
