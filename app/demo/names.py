"""Personal names as found among ASN in Kalimantan Timur, and the academic titles they carry.

The mix follows the province's population (Javanese, Bugis, Banjar, Kutai, Dayak, Toraja,
Sundanese, Batak); the pools are plausible names, not records of real people.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass
from itertools import accumulate
from typing import Literal

Gender = Literal["male", "female"]
Religion = Literal["muslim", "christian"]


def _names(text: str) -> tuple[str, ...]:
    """A pool written as one comma-separated string, which keeps long pools compact."""
    return tuple(name.strip() for name in text.split(","))


# Baptismal names carried by Christian Dayak, Toraja, Batak and some Javanese.
CHRISTIAN_MALE = _names(
    "Yohanes, Markus, Stefanus, Yosef, Petrus, Paulus, Lukas, Antonius, Fransiskus, Agustinus, Yulius, "
    "Ignatius, Dominikus, Martinus, Benediktus, Hendrikus, Kristianus, Simon, Yakobus, Daniel, Samuel, "
    "Matius, Yusuf, Robert, Aloysius"
)
CHRISTIAN_FEMALE = _names(
    "Maria, Yuliana, Theresia, Agustina, Margaretha, Yosefina, Veronika, Elisabeth, Anastasia, Katarina, "
    "Lusia, Christina, Fransiska, Monika, Sesilia, Yohana, Debora, Ester, Marta, Lidia, Rahel, Ruth, "
    "Magdalena"
)
# Given names common among ASN born from 1990 on, whatever their family's origin.
MODERN_MUSLIM_MALE = _names(
    "Muhammad Rizky, Rizky, Fajar, Dimas, Aditya, Reza, Andika, Bayu, Yoga, Rizal, Fikri, Ilham, Arya, "
    "Galih, Rangga, Hafiz, Alif, Farhan, Rendy, Fadli, Aldi, Muhammad Fadhil, Ahmad Fauzan, Naufal, Rifqi"
)
MODERN_MUSLIM_FEMALE = _names(
    "Putri, Nadia, Annisa, Dinda, Ayu, Intan, Rizka, Nurul, Aulia, Fitri, Dian, Novita, Mega, Tiara, "
    "Salsabila, Nabila, Alya, Anggun, Citra, Shinta, Riska, Widya, Nur Azizah, Khairunnisa, Zahra"
)
MODERN_CHRISTIAN_MALE = _names("Kevin, Yosua, Gabriel, Michael, Jonathan, Christian, Kristian, Daniel")
MODERN_CHRISTIAN_FEMALE = _names("Angelina, Grace, Natalia, Stefani, Cindy, Gabriela, Febiola, Yolanda")
MODERN_SURNAME_MALE = _names(
    "Pratama, Saputra, Ramadhan, Firmansyah, Hidayat, Maulana, Nugraha, Putra, Wijaya, Kurniawan, Setiawan, "
    "Prakoso, Akbar, Fauzan, Hakim, Syahputra"
)
MODERN_SURNAME_FEMALE = _names(
    "Permatasari, Sari, Lestari, Puspita, Amalia, Putri, Rahmadani, Safitri, Oktaviani, Ramadhani, Maharani, "
    "Anggraeni, Pertiwi, Kusuma, Febrianti, Wulandari, Azzahra"
)


@dataclass(frozen=True, slots=True)
class Origin:
    """One naming tradition: given names, second (family or father's) names, honorific prefixes."""

    key: str
    weight: float
    christian_share: float
    male_given: tuple[str, ...]
    female_given: tuple[str, ...]
    male_second: tuple[str, ...]
    female_second: tuple[str, ...]
    # Older Javanese often have one name only ("Sutrisno", "Sumarni").
    male_single: tuple[str, ...] = ()
    female_single: tuple[str, ...] = ()
    # Nobility names that are part of the legal name (Andi, Aji, Awang, Dayang, Gusti).
    male_prefixes: tuple[str, ...] = ()
    female_prefixes: tuple[str, ...] = ()
    prefix_share: float = 0.0
    # Batak women may write "br." (boru) before the clan name.
    female_clan_marker: str = ""


ORIGINS: tuple[Origin, ...] = (
    Origin(
        key="jawa",
        weight=28,
        christian_share=0.05,
        male_given=_names(
            "Agus, Bambang, Budi, Joko, Slamet, Sugeng, Hadi, Wahyu, Eko, Teguh, Heru, Bagus, Yudi, "
            "Supriyadi, Sugiyanto, Haryanto, Rudi, Arif, Imam, Hendro, Sigit, Wawan, Ari, Dwi, Tri, Nanang, "
            "Sapto, Catur, Edi, Bowo, Priyo, Anton"
        ),
        female_given=_names(
            "Sri, Siti, Endang, Ratna, Dewi, Retno, Yuni, Tri, Dwi, Endah, Indah, Wulan, Rini, Ani, Yuli, "
            "Nur, Erna, Tutik, Wiwik, Kartika, Ika, Eni, Puji, Umi, Sri Wahyuni, Dyah, Ambar"
        ),
        male_second=_names(
            "Santoso, Wibowo, Prasetyo, Susanto, Setiawan, Hartono, Nugroho, Kurniawan, Saputro, Wijaya, "
            "Purnomo, Utomo, Suryadi, Hermawan, Prabowo, Widodo, Sulistyo, Haryadi, Rahardjo, Subagyo, "
            "Sasongko, Pamungkas, Wicaksono, Cahyono, Darmawan, Riyanto, Purwanto, Handoko, Suprapto, "
            "Hidayat"
        ),
        female_second=_names(
            "Rahayu, Lestari, Wulandari, Handayani, Susanti, Purwaningsih, Rahmawati, Kusumawati, Setyowati, "
            "Wahyuningsih, Puspitasari, Anggraini, Astuti, Suryani, Hastuti, Widyastuti, Nurhayati, "
            "Kurniasih, Sulistyowati, Yulianti, Maryani, Haryati, Mulyani, Pratiwi, Utami, Wijayanti"
        ),
        male_single=_names(
            "Sutrisno, Suparman, Sukardi, Sumarno, Mulyono, Sugiyanto, Suwarno, Sarjono, Karyono, Suyitno, "
            "Sunardi, Suratman, Wagiman, Slamet Riyadi, Sukirno, Margono"
        ),
        female_single=_names(
            "Sumarni, Sulastri, Suwarni, Sumiati, Suharti, Sutini, Ngatini, Suparmi, Wartini, Sukarsih, "
            "Mujiati, Sriyani, Tukinah, Rubiyah"
        ),
    ),
    Origin(
        key="bugis",
        weight=19,
        christian_share=0.0,
        male_given=_names(
            "Muhammad, Ahmad, Syamsul, Haeruddin, Arifuddin, Syahrir, Muhlis, Amiruddin, Nasrun, Hamka, "
            "Baso, Ridwan, Ilham, Asri, Hasbi, Irwan, Kaharuddin, Jamaluddin, Ilyas, Zainuddin, "
            "Abdul Rahman, Sudirman, Anwar, Hasanuddin, Akbar, Syahrul, Sahabuddin, Firman, Takdir, "
            "Alimuddin"
        ),
        female_given=_names(
            "Sitti, Hasnah, Nurhaedah, Hasmawati, Rahmatia, Jumriani, Sukmawati, Haslinda, Nurjannah, "
            "Irmawati, Asriani, Hasriani, Wahidah, Besse, Hajrah, Harlina, Rosmini, Nurmala, Mardiana, "
            "Darmawati, Murniati, Ratnawati, Syamsiah, Musdalifah, Fatmawati, Hasmiah"
        ),
        male_second=_names(
            "Alam, Tahir, Ramli, Sulaiman, Rauf, Latief, Baharuddin, Hamzah, Bachtiar, Palallo, "
            "Mallarangeng, Parenrengi, Lamba, Husain, Arsyad, Yunus, Djalil, Amir, Makmur, Saleh, Said, "
            "Haris, Idrus, Mappiare"
        ),
        female_second=_names(
            "Tahir, Ramli, Amir, Latief, Baharuddin, Hamzah, Saleh, Rahmah, Ramlah, Nurdin, Yunus, Husain, "
            "Idrus, Syamsuddin"
        ),
        male_prefixes=("Andi",),
        female_prefixes=("Andi",),
        prefix_share=0.18,
    ),
    Origin(
        key="banjar",
        weight=18,
        christian_share=0.0,
        male_given=_names(
            "Muhammad, Ahmad, Akhmad, Abdul, Rahmat, Syahrani, Saipul, Jailani, Syamsuri, Fahrul, Anang, "
            "Rusdi, Mahyuni, Rusmadi, Basransyah, Hairul, Fahmi, Taufik, Ardiansyah, Rizkiansyah, "
            "Hendriansyah, Yusran, Rahmadi, Irwansyah, Khairil, Bahrani, Masrani, Helmi, Zainal, Noor"
        ),
        female_given=_names(
            "Norhayati, Noorlatifah, Norliani, Nurjannah, Masitah, Hairunnisa, Rabiatul, Siti, Fatimah, "
            "Aisyah, Rusmilawati, Zubaidah, Mariani, Rahimah, Halimah, Noorhasanah, Raudah, Jamilah, "
            "Syarifah, Khadijah, Munawarah, Rusdiana, Normila, Lailatul, Noorjannah, Hayati, Salmah"
        ),
        male_second=_names(
            "Rahman, Hamdani, Syarifuddin, Fauzi, Nasrullah, Jumadi, Mahmud, Ridwan, Supiani, Aliansyah, "
            "Rifani, Hidayatullah, Syahrial, Effendi, Yusuf, Ramadhani, Firdaus, Arsyad, Husaini, Junaidi, "
            "Rasyid, Zakaria, Mursyid, Anshari, Hamidi"
        ),
        female_second=_names(
            "Rahmah, Hidayah, Fitriah, Aulia, Hasanah, Mahmudah, Adawiyah, Rahmawati, Yusnita, Fauziah, "
            "Jannah, Mariana, Azizah, Husna, Safitri, Fitriani, Zahra"
        ),
        male_prefixes=("Gusti",),
        female_prefixes=("Gusti",),
        prefix_share=0.025,
    ),
    Origin(
        key="kutai",
        weight=10,
        christian_share=0.0,
        male_given=_names(
            "Ahmad, Muhammad, Rusli, Yusran, Masdar, Mukhlis, Hasanuddin, Sofyan, Jumransyah, Hamransyah, "
            "Arbain, Syarifuddin, Marwan, Norman, Rudiansyah, Edi, Saparuddin, Iskandar, Salehuddin, "
            "Alimuddin, Sudirman, Faisal, Herliansyah, Syahrun"
        ),
        female_given=_names(
            "Rita, Rusmini, Halimah, Syarifah, Rosita, Nurbaiti, Marlina, Jumiati, Kamariah, Hartini, "
            "Salmah, Rusnah, Asmah, Norjanah, Yuliana, Hamidah, Marliana, Mastiah, Sarinah, Rosdiana"
        ),
        male_second=_names(
            "Ardiansyah, Saputra, Rahman, Hamdani, Yusuf, Ismail, Kadir, Salim, Mahmud, Hasan, Djafar, "
            "Idris, Sulaiman, Syahrir, Fahmi, Rasyid, Noor, Effendi, Rusdi"
        ),
        female_second=_names(
            "Rahmawati, Yusnita, Maulida, Hasanah, Aulia, Fitriani, Wahyuni, Sari, Juwita, Kartini, Noor, "
            "Hayati, Rosmala"
        ),
        male_prefixes=("Aji", "Awang"),
        female_prefixes=("Aji", "Dayang"),
        prefix_share=0.1,
    ),
    Origin(
        key="dayak",
        weight=10,
        christian_share=0.85,
        male_given=_names("Ding, Ajang, Lahang, Jalung, Ngau, Bilung, Usat, Lawing, Ibau, Ngang"),
        female_given=_names("Uyang, Hanyeq, Ubung, Lenjau, Bulan, Ipui"),
        male_second=_names(
            "Ding, Lawing, Anyeq, Jalung, Ngau, Ibau, Lahang, Hanyeq, Ajang, Bilung, Usat, Ibut, Lejau, "
            "Tingang, Usun, Lencau, Huvat, Aran, Batoq, Jau"
        ),
        female_second=_names(
            "Ding, Lawing, Anyeq, Jalung, Ngau, Ibau, Lahang, Hanyeq, Ajang, Bilung, Usat, Lejau, Tingang, "
            "Usun, Lencau, Aran, Batoq"
        ),
    ),
    Origin(
        key="toraja",
        weight=5,
        christian_share=0.9,
        male_given=_names("Yohanis, Elia, Ruben, Frans, Matius, Simon, Piter, Lukas"),
        female_given=_names("Selvi, Hana, Yuliana, Marta, Rahel, Ester, Debora, Lince"),
        male_second=_names(
            "Pasanda, Rombe, Tandi, Palinggi, Sampe, Tangdilintin, Parinding, Pakiding, Sarungallo, Rante, "
            "Tulak, Sambo, Batara, Toding, Paembonan, Tandirerung, Pongsibidang, Mangopang, Tangke, "
            "Palimbong"
        ),
        female_second=_names(
            "Pasanda, Rombe, Tandi, Palinggi, Sampe, Parinding, Pakiding, Sarungallo, Rante, Toding, "
            "Paembonan, Tandirerung, Palimbong, Mangopang"
        ),
    ),
    Origin(
        key="sunda",
        weight=5,
        christian_share=0.0,
        male_given=_names(
            "Asep, Dadang, Ujang, Cecep, Dede, Yayan, Ade, Iwan, Deden, Endang, Ahmad, Dadan, Encep, Herman, "
            "Ayi"
        ),
        female_given=_names(
            "Euis, Neneng, Imas, Yeni, Cucu, Ai, Nining, Tati, Lilis, Iis, Enok, Rina, Entin, Yanti, Wiwin, "
            "Ela"
        ),
        male_second=_names(
            "Sunarya, Sudrajat, Permana, Hidayat, Kusnadi, Gunawan, Suryana, Rusmana, Sobari, Saepudin, "
            "Supriatna, Mulyana, Ruhiyat, Setiadi"
        ),
        female_second=_names(
            "Nurhayati, Kurniasih, Rosmiati, Fitriani, Komariah, Rohaeti, Sumiati, Rahmawati, Hasanah, "
            "Mulyani, Suryani, Nurjanah"
        ),
    ),
    Origin(
        key="batak",
        weight=3,
        christian_share=0.9,
        male_given=_names(
            "Hotman, Parlindungan, Sahat, Bonar, Togar, Marulak, Darwin, Hendrik, Poltak, Tumpal, Benget, "
            "Jhonson, Roy"
        ),
        female_given=_names(
            "Rosmawati, Lasma, Tiurma, Melva, Rumondang, Dameria, Nurmaida, Sondang, Lamtiar, Hotmaida, Evi, "
            "Rince, Friska"
        ),
        male_second=_names(
            "Simanjuntak, Siregar, Sitorus, Nainggolan, Hutapea, Pardede, Manurung, Simatupang, Sihombing, "
            "Panjaitan, Situmorang, Tampubolon, Hutagalung, Sinaga, Silalahi, Napitupulu, Pasaribu"
        ),
        female_second=_names(
            "Simanjuntak, Siregar, Sitorus, Nainggolan, Hutapea, Pardede, Manurung, Simatupang, Sihombing, "
            "Panjaitan, Situmorang, Tampubolon, Sinaga, Silalahi"
        ),
        female_clan_marker="br.",
    ),
)
_ORIGIN_CUM = tuple(accumulate(o.weight for o in ORIGINS))

# Names are stored as spelled, but email addresses need plain lowercase ASCII letters.
_NON_LETTER = re.compile(r"[^a-z]")
# Tokens that are honorifics, not names, so they stay out of email addresses.
_EMAIL_SKIP = frozenset({"br."})


@dataclass(frozen=True, slots=True)
class PersonName:
    """A legal name (without titles) and the two tokens an email address is built from."""

    full: str
    first: str
    last: str
    religion: Religion

    def email_local(self) -> str:
        first = _ascii_token(self.first)
        last = _ascii_token(self.last)
        return first if not last or last == first else f"{first}.{last}"


def _ascii_token(token: str) -> str:
    plain = unicodedata.normalize("NFKD", token).encode("ascii", "ignore").decode().lower()
    return _NON_LETTER.sub("", plain)


def make_name(rng: random.Random, gender: Gender, birth_year: int) -> PersonName:
    origin = rng.choices(ORIGINS, cum_weights=_ORIGIN_CUM)[0]
    male = gender == "male"
    religion: Religion = "christian" if rng.random() < origin.christian_share else "muslim"
    singles = origin.male_single if male else origin.female_single
    if singles and birth_year < 1978 and religion == "muslim" and rng.random() < 0.2:
        single = rng.choice(singles)
        return PersonName(single, single.split()[0], single.split()[-1], religion)
    given = _given_name(rng, origin, male, religion, birth_year)
    second = _second_name(rng, origin, male, birth_year)
    parts = [given]
    prefixes = origin.male_prefixes if male else origin.female_prefixes
    if prefixes and religion == "muslim" and rng.random() < origin.prefix_share:
        parts.insert(0, rng.choice(prefixes))
    if origin.female_clan_marker and not male and rng.random() < 0.35:
        parts.append(origin.female_clan_marker)
    if second != given.split()[-1]:
        parts.append(second)
    full = " ".join(parts)
    tokens = [t for t in full.split() if t not in _EMAIL_SKIP]
    return PersonName(full, tokens[0], tokens[-1] if len(tokens) > 1 else "", religion)


def _given_name(rng: random.Random, origin: Origin, male: bool, religion: Religion, birth_year: int) -> str:
    modern = birth_year >= 1990 and rng.random() < 0.45
    if religion == "christian":
        if modern:
            return rng.choice(MODERN_CHRISTIAN_MALE if male else MODERN_CHRISTIAN_FEMALE)
        # Christian Dayak, Toraja and Batak usually carry a baptismal name, sometimes a local one.
        if rng.random() < 0.75:
            return rng.choice(CHRISTIAN_MALE if male else CHRISTIAN_FEMALE)
        return rng.choice(origin.male_given if male else origin.female_given)
    if modern:
        return rng.choice(MODERN_MUSLIM_MALE if male else MODERN_MUSLIM_FEMALE)
    return rng.choice(origin.male_given if male else origin.female_given)


def _second_name(rng: random.Random, origin: Origin, male: bool, birth_year: int) -> str:
    # Younger Javanese, Banjar, Bugis and Kutai often have the "modern" surnames too.
    if birth_year >= 1990 and origin.christian_share < 0.5 and rng.random() < 0.3:
        return rng.choice(MODERN_SURNAME_MALE if male else MODERN_SURNAME_FEMALE)
    return rng.choice(origin.male_second if male else origin.female_second)


# -- academic titles ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Titles:
    """The degrees one field of work writes after (or, for doctors, before) the name."""

    bachelor: tuple[str, ...]
    applied: tuple[str, ...]  # D4, sarjana terapan
    diploma: tuple[str, ...]  # D3, ahli madya
    master: tuple[str, ...]
    prefix: str = ""  # "dr." and "drh." replace the bachelor's title


FIELD_TITLES: dict[str, Titles] = {
    "guru": Titles(("S.Pd.",), ("S.Tr.Pd.",), ("A.Md.Pd.",), ("M.Pd.",)),
    "dokter": Titles((), (), (), ("M.Kes.", "M.K.M."), prefix="dr."),
    "perawat": Titles(("S.Kep., Ns.",), ("S.Tr.Kep.",), ("A.Md.Kep.",), ("M.Kep.",)),
    "bidan": Titles(("S.Keb.",), ("S.Tr.Keb.",), ("A.Md.Keb.",), ("M.Keb.",)),
    "farmasi": Titles(("S.Farm., Apt.",), ("S.Tr.Farm.",), ("A.Md.Farm.",), ("M.Farm.",)),
    "kesehatan": Titles(
        ("S.KM.",), ("S.Tr.Kes.",), ("A.Md.Kes.", "A.Md.AK.", "A.Md.RMIK."), ("M.Kes.", "M.K.M.")
    ),
    "psikolog": Titles(("S.Psi.",), ("S.Psi.",), (), ("M.Psi., Psikolog",)),
    "veteriner": Titles((), (), ("A.Md.Pt.",), ("M.Si.",), prefix="drh."),
    "komputer": Titles(("S.Kom.", "S.T."), ("S.Tr.Kom.",), ("A.Md.Kom.", "A.Md.T."), ("M.Kom.", "M.T.I.")),
    "keuangan": Titles(("S.E.", "S.Ak."), ("S.Tr.Ak.",), ("A.Md.Ak.",), ("M.Ak.", "M.M.", "M.Si.")),
    "hukum": Titles(("S.H.",), ("S.Tr.AP.",), ("A.Md.",), ("M.H.", "M.Kn.")),
    "pertanian": Titles(("S.P.", "S.TP."), ("S.Tr.P.",), ("A.Md.P.",), ("M.P.", "M.Si.")),
    "kehutanan": Titles(("S.Hut.",), ("S.Tr.Hut.",), ("A.Md.Hut.",), ("M.P.", "M.Hut.")),
    "peternakan": Titles(("S.Pt.",), ("S.Tr.Pt.",), ("A.Md.Pt.",), ("M.P.", "M.Si.")),
    "teknik": Titles(("S.T.",), ("S.Tr.T.",), ("A.Md.T.",), ("M.T.", "M.Eng.")),
    "perpustakaan": Titles(("S.IP.", "S.Hum."), ("S.Tr.IP.",), ("A.Md.",), ("M.Hum.", "M.IP.")),
    "umum": Titles(
        ("S.Sos.", "S.IP.", "S.AP.", "S.E.", "S.H.", "S.Kom.", "S.Si.", "S.T.", "S.Pd.", "S.M."),
        ("S.Tr.AP.", "S.ST."),
        ("A.Md.",),
        ("M.Si.", "M.M.", "M.AP.", "M.Pd.", "M.H.", "M.Ec.Dev."),
    ),
}


def with_titles(
    rng: random.Random, name: PersonName, *, gender: Gender, birth_year: int, education: str, field: str
) -> str:
    """The name as SIMPEG prints it: "Dr. H. Andi Baso, S.E., M.Si.", "dr. Siti Rahmawati"."""
    titles = FIELD_TITLES.get(field, FIELD_TITLES["umum"])
    prefixes: list[str] = []
    suffixes: list[str] = []
    # A few SIMPEG records lack titles; most carry every degree.
    if rng.random() > 0.1:
        if education == "S3":
            prefixes.append("Dr.")
        if education in ("S1", "S2", "S3"):
            if titles.prefix:
                prefixes.append(titles.prefix)
            elif titles.bachelor:
                suffixes.append(rng.choice(titles.bachelor))
        elif education == "D4" and titles.applied:
            suffixes.append(rng.choice(titles.applied))
        elif education == "D3" and titles.diploma:
            suffixes.append(rng.choice(titles.diploma))
        if education in ("S2", "S3"):
            suffixes.append(rng.choice(titles.master))
    # Older Muslims who made the hajj often keep it in the official name.
    if name.religion == "muslim" and birth_year < 1980 and rng.random() < 0.12:
        prefixes.append("H." if gender == "male" else "Hj.")
    head = " ".join([*prefixes, name.full])
    return f"{head}, {', '.join(suffixes)}" if suffixes else head
