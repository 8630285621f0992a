"""The rules of data·inclusion's service schema (gip-inclusion/data-inclusion-schema, v1.0.8:
`schemas/v1/service.json` and its referentials `schemas/v1/extra/*.json`) that an import
checks: the required fields, the enumerations, the formats. Copied from the schema's
repository (not downloaded at run time); update them with a new version of the schema."""

from __future__ import annotations

SCHEMA_VERSION = "1.0.8"
# Required by `service.json` ("required").
REQUIRED = ("source", "structure_id", "id", "nom", "description", "date_maj")
NOM_LENGTH = (3, 150)
DESCRIPTION_LENGTH = (5, 10000)

THEMATIQUES = frozenset(
    {
        "choisir-un-metier--confirmer-son-choix-de-metier",
        "choisir-un-metier--connaitre-les-opportunites-demploi",
        "choisir-un-metier--decouvrir-un-metier-ou-un-secteur-dactivite",
        "choisir-un-metier--identifier-ses-points-forts-et-ses-competences",
        "creer-une-entreprise--definir-son-projet-de-creation-dentreprise",
        "creer-une-entreprise--developper-son-entreprise",
        "creer-une-entreprise--structurer-son-projet-de-creation-dentreprise",
        "difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives",
        "difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-a-la-citoyennete",
        "difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-aux-droits",
        "difficultes-administratives-ou-juridiques--beneficier-dune-mesure-daccompagnement-adapte",
        "difficultes-administratives-ou-juridiques--connaitre-ses-droits-face-a-une-discrimination",
        "difficultes-administratives-ou-juridiques--prendre-en-compte-une-problematique-judiciaire",
        "difficultes-financieres--acquerir-une-autonomie-budgetaire",
        "difficultes-financieres--ameliorer-sa-gestion-budgetaire",
        "difficultes-financieres--mettre-en-place-une-mesure-de-protection-financiere",
        "difficultes-financieres--prevenir-une-degradation-de-la-situation-financiere",
        "difficultes-financieres--situation-dendettement-surendettement",
        "equipement-et-alimentation--aide-menagere",
        "equipement-et-alimentation--alimentation",
        "equipement-et-alimentation--electromenager",
        "equipement-et-alimentation--habillement",
        "famille--garde-denfants",
        "famille--prise-en-charge-personne-dependante",
        "famille--soutien-a-la-parentalite-et-a-leducation",
        "famille--soutien-aidants",
        "famille--surmonter-conflits-separation-violence",
        "lecture-ecriture-calcul--maitriser-le-calcul",
        "lecture-ecriture-calcul--maitriser-le-francais",
        "logement-hebergement--acheter-un-logement",
        "logement-hebergement--changer-de-logement",
        "logement-hebergement--louer-un-logement",
        "logement-hebergement--rechercher-une-solution-dhebergement-temporaire",
        "logement-hebergement--reduire-les-impayes-de-loyer",
        "logement-hebergement--se-maintenir-dans-le-logement",
        "logement-hebergement--sinformer-sur-les-demarches-liees-a-lacces-au-logement",
        "mobilite--acceder-a-un-vehicule",
        "mobilite--entretenir-reparer-son-vehicule",
        "mobilite--etre-accompagne-dans-son-parcours-mobilite",
        "mobilite--financer-ma-mobilite",
        "mobilite--mobilite-douce-partagee-collective",
        "mobilite--preparer-un-permis",
        "numerique--acceder-a-des-services-en-ligne",
        "numerique--acceder-a-une-connexion-internet",
        "numerique--acquerir-un-equipement",
        "numerique--maitriser-les-fondamentaux-du-numerique",
        "preparer-sa-candidature--developper-son-reseau",
        "preparer-sa-candidature--organiser-ses-demarches-de-recherche-demploi",
        "preparer-sa-candidature--realiser-un-cv-et-ou-une-lettre-de-motivation",
        "preparer-sa-candidature--valoriser-ses-competences",
        "remobilisation--activites-sportives-et-culturelles",
        "remobilisation--benevolat-action-citoyenne",
        "remobilisation--bien-etre-confiance-en-soi",
        "remobilisation--lien-social",
        "sante--acces-aux-soins",
        "sante--addictions",
        "sante--constituer-un-dossier-mdph-invalidite",
        "sante--sante-mentale",
        "sante--sante-sexuelle",
        "se-former--monter-son-dossier-de-formation",
        "se-former--trouver-sa-formation",
        "souvrir-a-linternational--connaitre-les-opportunites-demploi-a-letranger",
        "souvrir-a-linternational--sinformer-sur-les-aides-pour-travailler-a-letranger",
        "souvrir-a-linternational--sorganiser-suite-a-son-retour-en-france",
        "trouver-un-emploi--convaincre-un-recruteur-en-entretien",
        "trouver-un-emploi--faire-des-candidatures-spontanees",
        "trouver-un-emploi--maintien-dans-lemploi",
        "trouver-un-emploi--repondre-a-des-offres-demploi",
        "trouver-un-emploi--suivre-ses-candidatures-et-relancer-les-employeurs",
    }
)
FRAIS = frozenset(
    {
        "gratuit",
        "payant",
    }
)
PUBLICS = frozenset(
    {
        "actifs",
        "beneficiaires-des-minimas-sociaux",
        "demandeurs-emploi",
        "etudiants",
        "familles",
        "femmes",
        "jeunes",
        "personnes-en-situation-de-handicap",
        "personnes-en-situation-durgence",
        "personnes-en-situation-juridique-specifique",
        "personnes-exilees",
        "residents-qpv-frr",
        "seniors",
        "tous-publics",
    }
)
TYPES = frozenset(
    {
        "accompagnement",
        "aide-financiere",
        "aide-materielle",
        "atelier",
        "formation",
        "information",
    }
)
MODES_ACCUEIL = frozenset(
    {
        "a-distance",
        "en-presentiel",
    }
)
TOUS_PUBLICS = "tous-publics"  # alone, never with another public
