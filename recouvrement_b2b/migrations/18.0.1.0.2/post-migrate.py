"""18.0.1.0.2: the shipped reference rates give their source in sentences, in French too (issue 16).

The sources of the rates shipped in ``data/recouvrement_penalty_rate_data.xml`` were research
notes in English ("derived", "S1;S2", "T1;T2;<address>"), and the field was not translatable.
They are now sentences with their French in ``i18n/fr.po``, but the records are ``noupdate``: a
database installed before keeps the old notes. Here each shipped rate still holding its old
English note gets the shipped sentence; a source a user changed is left as it is. The French is
then loaded from ``fr.po`` by the module update (translations missing from the record only).

The shipped reminder email template (``noupdate`` too) printed the company's account number as
stored, compact ("FR7630006000..."), where the letters print the IBAN grouped by four: its body
calls the grouping method in every language, whatever else a user changed in it.
"""

# ruff: noqa: E501 (the old notes, long addresses, exactly as they were shipped)

import json

from lxml import etree

from odoo.tools import SQL
from odoo.tools.misc import file_open

#: the shipped rates' data, read for their new English source
DATA_FILE = "recouvrement_b2b/data/recouvrement_penalty_rate_data.xml"

#: {xml id (module recouvrement_b2b): English source shipped up to 18.0.1.0.1}
OLD_SOURCES = {
    "rate_ecb_mro_2012_s1": "derived (2011-12-14 change) [semester rule applies by law only from 2013-01-01]",
    "rate_ecb_mro_2012_s2": "derived (cut to 0.75 effective 2012-07-11) [rule applies from 2013-01-01]",
    "rate_ecb_mro_2013_s1": "derived",
    "rate_ecb_mro_2013_s2": "derived",
    "rate_ecb_mro_2014_s1": "derived (also https://lexing.law/avocats/penalites-retard-paiement/2014/03/25 : 10.25%)",
    "rate_ecb_mro_2014_s2": "derived (also ipilote.fr)",
    "rate_ecb_mro_2015_s1": "derived",
    "rate_ecb_mro_2015_s2": "derived",
    "rate_ecb_mro_2016_s1": "derived",
    "rate_ecb_mro_2016_s2": "derived",
    "rate_ecb_mro_2017_s1": "derived",
    "rate_ecb_mro_2017_s2": "derived",
    "rate_ecb_mro_2018_s1": "derived",
    "rate_ecb_mro_2018_s2": "derived",
    "rate_ecb_mro_2019_s1": "derived",
    "rate_ecb_mro_2019_s2": "derived",
    "rate_ecb_mro_2020_s1": "derived",
    "rate_ecb_mro_2020_s2": "derived",
    "rate_ecb_mro_2021_s1": "derived",
    "rate_ecb_mro_2021_s2": "derived",
    "rate_ecb_mro_2022_s1": "derived",
    "rate_ecb_mro_2022_s2": "derived (hike effective 2022-07-27 comes after 1 July)",
    "rate_ecb_mro_2023_s1": "derived",
    "rate_ecb_mro_2023_s2": "derived",
    "rate_ecb_mro_2024_s1": "derived",
    "rate_ecb_mro_2024_s2": "derived (also agenceobjectifpaiement.com)",
    "rate_ecb_mro_2025_s1": "derived",
    "rate_ecb_mro_2025_s2": "derived",
    "rate_ecb_mro_2026_s1": "derived (getinvoicepdf.com also states 2.15% as at 1 Jan 2026)",
    "rate_ecb_mro_2026_s2": "derived from S5 (SECONDARY - verify)",
    "rate_ecb_mro_2007_06_13": "S2 (minimum bid rate; state on 1 Jan 2008)",
    "rate_ecb_mro_2008_07_09": "S2;S3 (minimum bid rate)",
    "rate_ecb_mro_2008_10_15": "S2;S3 (first fixed-rate tender)",
    "rate_ecb_mro_2008_11_12": "S2;S3",
    "rate_ecb_mro_2008_12_10": "S2;S3",
    "rate_ecb_mro_2009_01_21": "S2;S3",
    "rate_ecb_mro_2009_03_11": "S2;S3",
    "rate_ecb_mro_2009_04_08": "S2;S3",
    "rate_ecb_mro_2009_05_13": "S2;S3",
    "rate_ecb_mro_2011_04_13": "S2",
    "rate_ecb_mro_2011_07_13": "S2",
    "rate_ecb_mro_2011_11_09": "S2",
    "rate_ecb_mro_2011_12_14": "S1;S2",
    "rate_ecb_mro_2012_07_11": "S1;S2",
    "rate_ecb_mro_2013_05_08": "S1;S2",
    "rate_ecb_mro_2013_11_13": "S1;S2",
    "rate_ecb_mro_2014_06_11": "S1;S2",
    "rate_ecb_mro_2014_09_10": "S1;S2",
    "rate_ecb_mro_2016_03_16": "S1;S2",
    "rate_ecb_mro_2022_07_27": "S1;S2",
    "rate_ecb_mro_2022_09_14": "S1;S2",
    "rate_ecb_mro_2022_11_02": "S1;S2",
    "rate_ecb_mro_2022_12_21": "S1;S2",
    "rate_ecb_mro_2023_02_08": "S1;S2",
    "rate_ecb_mro_2023_03_22": "S1;S2",
    "rate_ecb_mro_2023_05_10": "S1;S2",
    "rate_ecb_mro_2023_06_21": "S1;S2",
    "rate_ecb_mro_2023_08_02": "S1;S2",
    "rate_ecb_mro_2023_09_20": "S1;S2",
    "rate_ecb_mro_2024_06_12": "S1;S2",
    "rate_ecb_mro_2024_09_18": "S1;S2",
    "rate_ecb_mro_2024_10_23": "S1;S2",
    "rate_ecb_mro_2024_12_18": "S2 (also https://www.fxstreet.com/macroeconomics/central-banks/ecb)",
    "rate_ecb_mro_2025_02_05": "S2",
    "rate_ecb_mro_2025_03_12": "S2 (also https://todaytimeslive.com/world/720469.html)",
    "rate_ecb_mro_2025_04_23": "S2",
    "rate_ecb_mro_2025_06_11": "S4",
    "rate_ecb_mro_2026_06_17": "S5 (SECONDARY - verify)",
    "rate_legal_professional_2015_s1": "T1;T2;https://www.moneyvox.fr/credit/actualites/52984/",
    "rate_legal_individual_2015_s1": "T1;T2;https://www.moneyvox.fr/credit/actualites/52984/",
    "rate_legal_professional_2015_s2": "T1;T2;https://affairesjuridiques.aphp.fr/textes/arrete-du-24-juin-2015-relatif-a-la-fixation-du-taux-de-linteret-legal",
    "rate_legal_individual_2015_s2": "T1;T2;https://affairesjuridiques.aphp.fr/textes/arrete-du-24-juin-2015-relatif-a-la-fixation-du-taux-de-linteret-legal",
    "rate_legal_professional_2016_s1": "T1;T2;https://onb-france.com/actualites/taux-de-linteret-legal-2016 (arrêté 23 déc. 2015)",
    "rate_legal_individual_2016_s1": "T1;T2;https://onb-france.com/actualites/taux-de-linteret-legal-2016 (arrêté 23 déc. 2015)",
    "rate_legal_professional_2016_s2": "T1;T2;http://archives.phytoma-ldv.com/archive/article/VI28806205",
    "rate_legal_individual_2016_s2": "T1;T2;http://archives.phytoma-ldv.com/archive/article/VI28806205",
    "rate_legal_professional_2017_s1": "T1;T2",
    "rate_legal_individual_2017_s1": "T1;T2",
    "rate_legal_professional_2017_s2": "T1;T2;https://www.lextimes.fr/indices/interet-legal/taux-applicables-au-second-semestre-2017 (arrêté 26 juin 2017)",
    "rate_legal_individual_2017_s2": "T1;T2;https://www.lextimes.fr/indices/interet-legal/taux-applicables-au-second-semestre-2017 (arrêté 26 juin 2017)",
    "rate_legal_professional_2018_s1": "T1;T2;http://www.ficime.com/taux-dinteret-legal-1er-semestre-2018/",
    "rate_legal_individual_2018_s1": "T1;T2;http://www.ficime.com/taux-dinteret-legal-1er-semestre-2018/",
    "rate_legal_professional_2018_s2": "T1;T2;https://veegee.fr/finances-et-economie/255-bvg-banque/81217-taux-de-linteret-legal-2nd-semestre-2018.html (arrêté 27 juin 2018)",
    "rate_legal_individual_2018_s2": "T1;T2;https://veegee.fr/finances-et-economie/255-bvg-banque/81217-taux-de-linteret-legal-2nd-semestre-2018.html (arrêté 27 juin 2018)",
    "rate_legal_professional_2019_s1": "T1;T2",
    "rate_legal_individual_2019_s1": "T1;T2",
    "rate_legal_professional_2019_s2": "T1;T2",
    "rate_legal_individual_2019_s2": "T1;T2",
    "rate_legal_professional_2020_s1": "T1;T2;https://www.cabinet-cec.fr/taux-de-linteret-legal-pour-le-second-semestre-2020/",
    "rate_legal_individual_2020_s1": "T1;T2;https://www.cabinet-cec.fr/taux-de-linteret-legal-pour-le-second-semestre-2020/",
    "rate_legal_professional_2020_s2": "T1;T2;https://www.cabinet-cec.fr/taux-de-linteret-legal-pour-le-second-semestre-2020/",
    "rate_legal_individual_2020_s2": "T1;T2;https://www.cabinet-cec.fr/taux-de-linteret-legal-pour-le-second-semestre-2020/",
    "rate_legal_professional_2021_s1": "T1;T2;https://dandrel-avocats.fr/taux-de-linteret-legal-du-2nd-semestre-2021/",
    "rate_legal_individual_2021_s1": "T1;T2;https://dandrel-avocats.fr/taux-de-linteret-legal-du-2nd-semestre-2021/",
    "rate_legal_professional_2021_s2": "T1;T2;https://dandrel-avocats.fr/taux-de-linteret-legal-du-2nd-semestre-2021/",
    "rate_legal_individual_2021_s2": "T1;T2;https://dandrel-avocats.fr/taux-de-linteret-legal-du-2nd-semestre-2021/",
    "rate_legal_professional_2022_s1": "T1;T2;https://droit-pratique.fr/baremes-et-taux/bien-s-assurer/taux-de-l-interet-legal",
    "rate_legal_individual_2022_s1": "T1;T2;https://droit-pratique.fr/baremes-et-taux/bien-s-assurer/taux-de-l-interet-legal",
    "rate_legal_professional_2022_s2": "T1;T2",
    "rate_legal_individual_2022_s2": "T1;T2",
    "rate_legal_professional_2023_s1": "T1;T2;https://notaires2normandie.com/nos-actus/les-taux-de-linteret-legal-applicables-au-cours-du-second-semestre-2023-sont-fixes",
    "rate_legal_individual_2023_s1": "T1;T2;https://notaires2normandie.com/nos-actus/les-taux-de-linteret-legal-applicables-au-cours-du-second-semestre-2023-sont-fixes",
    "rate_legal_professional_2023_s2": "T1;T2;notaires2normandie.com (arrêté ECOT2317028A du 27-6-2023)",
    "rate_legal_individual_2023_s2": "T1;T2;notaires2normandie.com (arrêté ECOT2317028A du 27-6-2023)",
    "rate_legal_professional_2024_s1": "T1;T2;http://questions.assemblee-nationale.fr/q16/16-15103QE.htm (arrêté du 21 déc. 2023)",
    "rate_legal_individual_2024_s1": "T1;T2;http://questions.assemblee-nationale.fr/q16/16-15103QE.htm (arrêté du 21 déc. 2023)",
    "rate_legal_professional_2024_s2": "T1;T2;https://www.legifiscal.fr/actualites-fiscales/4371-taux-interet-legal-1er-semestre-2026.html",
    "rate_legal_individual_2024_s2": "T1;T2;https://www.legifiscal.fr/actualites-fiscales/4371-taux-interet-legal-1er-semestre-2026.html",
    "rate_legal_professional_2025_s1": "T1;legifiscal.fr;https://ksca.fr/contenus-juridiques/actualites/lire/taux-de-linteret-legal-a-compter-du-1er-juillet-2025/615065",
    "rate_legal_individual_2025_s1": "T1;legifiscal.fr;https://ksca.fr/contenus-juridiques/actualites/lire/taux-de-linteret-legal-a-compter-du-1er-juillet-2025/615065",
    "rate_legal_professional_2025_s2": "T1;https://www.cna2c.fr/nos-actualites-juridiques/taux-de-linteret-legal-a-compter-du-1er-juillet-2025 (arrêté ECOT2516925A du 19-6-2025 JO 24-6-2025)",
    "rate_legal_individual_2025_s2": "T1;https://www.cna2c.fr/nos-actualites-juridiques/taux-de-linteret-legal-a-compter-du-1er-juillet-2025 (arrêté ECOT2516925A du 19-6-2025 JO 24-6-2025)",
    "rate_legal_professional_2026_s1": "https://juriblio.fr/arretes/arrete-du-15-decembre-2025/187383136 (arrêté 15 déc. 2025 JORF 26 déc. 2025);legifiscal.fr",
    "rate_legal_individual_2026_s1": "https://juriblio.fr/arretes/arrete-du-15-decembre-2025/187383136 (arrêté 15 déc. 2025 JORF 26 déc. 2025);legifiscal.fr",
    "rate_legal_professional_2026_s2": "SECONDARY ONLY: public repo module pays/france/taux.ts (find_string id 61665018959; PLANCHERS_PUBLIES 2026-S2 = 8.25%) - arrêté not seen; VERIFY on Legifrance",
    "rate_legal_individual_2026_s2": "SECONDARY ONLY: public repo module pays/france/taux.ts (find_string id 61665018959; PLANCHERS_PUBLIES 2026-S2 = 8.25%) - arrêté not seen; VERIFY on Legifrance",
}


def shipped_sources():
    """The rates' sources as the module ships them now.

    :return: {xml id (str): English source (str)} of the ``recouvrement.penalty.rate`` records
        of ``DATA_FILE``
    """
    with file_open(DATA_FILE, "rb") as data:
        root = etree.parse(data).getroot()
    return {
        record.get("id"): record.findtext("field[@name='source']")
        for record in root.iter("record")
        if record.get("model") == "recouvrement.penalty.rate"
    }


def rewrite_old_sources(cr):
    """Give each shipped rate whose English source is still its old note (``OLD_SOURCES``) the
    source shipped now, dropping the copies of the old note in other languages (a translation a
    user wrote is kept). A source a user changed is not touched. One read, one update.

    :return: number of rates rewritten
    """
    new = shipped_sources()
    cr.execute(
        SQL(
            """
            SELECT rate.id, data.name, rate.source
              FROM recouvrement_penalty_rate rate
              JOIN ir_model_data data
                ON data.res_id = rate.id
               AND data.model = 'recouvrement.penalty.rate'
               AND data.module = 'recouvrement_b2b'
             WHERE data.name IN %s
            """,
            tuple(OLD_SOURCES),
        )
    )
    values = []
    for rate_id, name, source in cr.fetchall():
        old = OLD_SOURCES[name]
        if not isinstance(source, dict) or source.get("en_US") != old or not new.get(name):
            continue
        source = {lang: text for lang, text in source.items() if text != old}
        source["en_US"] = new[name]
        values.append(SQL("(%s, %s::jsonb)", rate_id, json.dumps(source)))
    if values:
        cr.execute(
            SQL(
                """
                UPDATE recouvrement_penalty_rate rate
                   SET source = new.source
                  FROM (VALUES %s) AS new(id, source)
                 WHERE rate.id = new.id
                """,
                SQL(", ").join(values),
            )
        )
    return len(values)


#: the expression of the reminder email up to 18.0.1.0.1, and the one shipped now
OLD_IBAN = "object._get_bank_account().acc_number or ''"
NEW_IBAN = "object._get_bank_account()._recouvrement_iban() or ''"


def group_template_iban(cr):
    """Make the module's email templates print the IBAN grouped: ``OLD_IBAN`` replaced by
    ``NEW_IBAN`` in their body, in every language (the rest of the body, a user's wording
    included, is kept). One update.

    :return: number of templates changed
    """
    cr.execute(
        SQL(
            """
            UPDATE mail_template template
               SET body_html = replace(template.body_html::text, %s, %s)::jsonb
              FROM ir_model_data data
             WHERE data.res_id = template.id
               AND data.model = 'mail.template'
               AND data.module = 'recouvrement_b2b'
               AND strpos(template.body_html::text, %s) > 0
            """,
            OLD_IBAN,
            NEW_IBAN,
            OLD_IBAN,
        )
    )
    return cr.rowcount


def migrate(cr, version):
    if version:
        rewrite_old_sources(cr)
        group_template_iban(cr)
