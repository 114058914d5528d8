"""edsnlp's qualifier cue vocabulary, as data (written by `export_edsnlp_cues.py`; do not edit by hand).

Source: edsnlp 0.23.0 (https://github.com/aphp/edsnlp), files edsnlp/pipes/qualifiers/*/patterns.py,
edsnlp/pipes/terminations.py and the conjugation table edsnlp/resources/verbs.csv.gz. Word lists only; no
code of edsnlp is reproduced. Licence of the source (BSD 3-Clause):

Copyright 2021 Assistance Publique - Hôpitaux de Paris

Redistribution and use in source and binary forms, with or without modification, are permitted provided that
the following conditions are met:
1. Redistributions of source code must retain the above copyright notice, this list of conditions and the
   following disclaimer.
2. Redistributions in binary form must reproduce the above copyright notice, this list of conditions and the
   following disclaimer in the documentation and/or other materials provided with the distribution.
3. Neither the name of the copyright holder nor the names of its contributors may be used to endorse or
   promote products derived from this software without specific prior written permission.

THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND ANY EXPRESS OR IMPLIED
WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A
PARTICULAR PURPOSE ARE DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE FOR ANY
DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL DAMAGES (INCLUDING, BUT NOT LIMITED TO,
PROCUREMENT OF SUBSTITUTE GOODS OR SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER
CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY, OR TORT (INCLUDING NEGLIGENCE OR
OTHERWISE) ARISING IN ANY WAY OUT OF THE USE OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH
DAMAGE.

Verb forms are one word each, stored as one space-separated string per list.
"""

EDSNLP_VERSION = "0.23.0"


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


TERMINATION: tuple[str, ...] = (
    "et",
    "bien que",
    "même si",
    "mais",
    "or",
    "alors que",
    "sauf",
    "cependant",
    "pourtant",
    "cause de",
    "source de",
    "hormis",
    "car",
    "parce que",
    "pourtant",
    "puisque",
    "ni",
    "en raison de",
    "qui",
    "que",
    "ainsi que",
    "avec",
    "toutefois",
    "en dehors",
    "dans le cadre",
    "du fait",
    ".",
    ",",
    ";",
    "...",
    "…",
    "(",
    ")",
    '"',
)

NEGATION_PSEUDO: tuple[str, ...] = (
    "aucun changement",
    "aucun doute",
    "aucune hésitation",
    "aucune diminution",
    "permet pas d'",
    "permet pas de",
    "permet pas d'écarter",
    "permet pas d'éliminer",
    "permet pas d'exclure",
    "permet pas d'infirmer",
    "permet pas d'interdire",
    "permet pas de nier",
    "permet pas de réfuter",
    "permet pas de rejeter",
    "ne permet pas d'",
    "ne permet pas de",
    "ne permet pas d'écarter",
    "ne permet pas d'éliminer",
    "ne permet pas d'exclure",
    "ne permet pas d'infirmer",
    "ne permet pas d'interdire",
    "ne permet pas de nier",
    "ne permet pas de réfuter",
    "ne permet pas de rejeter",
    "n'exclut pas",
    "non négligeable",
    "pas d'amélioration",
    "pas d'augmentation",
    "pas d'autre",
    "pas de changement",
    "pas de diminution",
    "pas de doute",
    "pas écarté",
    "pas écartée",
    "pas écartées",
    "pas exclu",
    "pas exclue",
    "pas exclues",
    "pas exclus",
    "pas immunisé",
    "pas immunisée",
    "pas immunisés",
    "pas immunisées",
    "sans amélioration",
    "sans aucun doute",
    "sans augmentation",
    "sans certitude",
    "sans changement",
    "sans diminution",
    "sans doute",
    "sans être certain",
)

NEGATION_PRECEDING: tuple[str, ...] = (
    "à la place de",
    "absence",
    "aucun",
    "aucune",
    "aucunes",
    "aucuns",
    "décline",
    "décliné",
    "dépourvu",
    "dépourvue",
    "dépourvues",
    "dépourvus",
    "disparition de",
    "disparition des",
    "élimination",
    "exclusion",
    "excluent",
    "exclut",
    "impossibilité de",
    "immunisé",
    "immunisée",
    "immunisés",
    "immunisées",
    "incompatible avec",
    "incompatibles avec",
    "infirmation de",
    "infirmation du",
    "jamais",
    "négatif pour",
    "ni",
    "niant",
    "nie",
    "nié",
    "non",
    "nullement",
    "pas",
    "permet d'exclure",
    "peu d'argument en",
    "peu d'argument pour",
    "peu d'arguments en",
    "peu d'arguments pour",
    "plus d'aspect de",
    "sans",
    "symptôme atypique",
)

NEGATION_PRECEDING_REGEX: tuple[str, ...] = ("\\bne\\b(?=[ \\n]*(?:\\w*[ \\n]*){3}(?:pas|point|ni|aucun|jamais|rien))",)

NEGATION_FOLLOWING: tuple[str, ...] = (
    ":0",
    ": 0",
    ":non",
    ": non",
    "absent",
    "absente",
    "absentes",
    "absents",
    "dépourvu",
    "dépourvue",
    "dépourvues",
    "dépourvus",
    "disparaissent",
    "disparait",
    "élimination",
    "est exclu",
    "est exclue",
    "immunisé",
    "immunisée",
    "immunisés",
    "immunisées",
    "impossible",
    "improbable",
    "négatif",
    "négatifs",
    "négative",
    "négatives",
    "négligeable",
    "négligeables",
    "nié",
    "niée",
    "non",
    "pas nécessaire",
    "peu probable",
    "sont exclues",
    "sont exclus",
)

NEGATION_VERBS_PRECEDING: tuple[str, ...] = _words(
    "exclu excluant exclue excluent exclues excluez excluons exclure exclus exclut infirmant infirme "
    "infirment infirmer infirmes infirmez infirmons infirmé infirmée infirmées infirmés interdire "
    "interdis interdisant interdisent interdisez interdisons interdit interdite interdites interdits "
    "niant nie nient nier nies niez nions nié niée niées niés rejetant rejeter rejetez rejetons rejette "
    "rejettent rejettes rejeté rejetée rejetées rejetés réfutant réfute réfutent réfuter réfutes réfutez "
    "réfutons réfuté réfutée réfutées réfutés écartant écarte écartent écarter écartes écartez écartons "
    "écarté écartée écartées écartés éliminant élimine éliminent éliminer élimines éliminez éliminons "
    "éliminé éliminée éliminées éliminés"
)

NEGATION_VERBS_FOLLOWING: tuple[str, ...] = _words(
    "exclu exclue exclues exclus infirmé infirmée infirmées infirmés interdit interdite interdites "
    "interdits nié niée niées niés rejeté rejetée rejetées rejetés réfuté réfutée réfutées réfutés écarté "
    "écartée écartées écartés éliminé éliminée éliminées éliminés"
)

HYPOTHESIS_PSEUDO: tuple[str, ...] = (
    "aucun doute",
    "même si",
    "pas de condition",
    "pas de doute",
    "sans aucun doute",
    "sans condition",
    "sans risque",
)

HYPOTHESIS_PRECEDING: tuple[str, ...] = (
    "à condition",
    "à la condition que",
    "à moins que",
    "au cas où",
    "conditionnellement",
    "discret",
    "discrets",
    "discrète",
    "discrètes",
    "en admettant que",
    "en cas",
    "en considérant que",
    "en supposant que",
    "éventuel",
    "éventuels",
    "éventuelle",
    "éventuelles",
    "éventuellement",
    "exploration",
    "faudrait",
    "hypothèse",
    "hypothèses",
    "idée de",
    "pas confirmer",
    "pas sûr",
    "pas sûre",
    "peut correspondre",
    "peut-être",
    "peuvent correspondre",
    "possibilité",
    "possible",
    "possiblement",
    "potentiel",
    "potentielle",
    "potentiellement",
    "potentielles",
    "potentiels",
    "prédisposant à",
    "probable",
    "probablement",
    "probables",
    "recherche d'",
    "recherche de",
    "recherche des",
    "risque",
    "selon",
    "si",
    "s'il",
    "soit",
    "sous condition",
    "sous réserve",
    "suspicion",
)

HYPOTHESIS_FOLLOWING: tuple[str, ...] = (
    "?",
    "envisageable",
    "envisageables",
    "hypothétique",
    "hypothétiquement",
    "hypothétiques",
    "pas certain",
    "pas certaine",
    "pas clair",
    "pas claire",
    "pas confirmé",
    "pas confirmée",
    "pas confirmées",
    "pas confirmés",
    "pas évident",
    "pas évidente",
    "pas sûr",
    "pas sûre",
    "possibilité",
    "possible",
    "potentiel",
    "potentielle",
    "potentiels",
    "probable",
    "probables",
)

HYPOTHESIS_VERBS_PRECEDING: tuple[str, ...] = _words(
    "abandonneraient abandonnerais abandonnerait abandonneriez abandonnerions aboliraient abolirais "
    "abolirait aboliriez abolirions aborderaient aborderais aborderait aborderiez aborderions "
    "accepteraient accepterais accepterait accepteriez accepterions accidenteraient accidenterais "
    "accidenterait accidenteriez accidenterions accompagnemeraient accompagnemerais accompagnemerait "
    "accompagnemeriez accompagnemerions accompagneraient accompagnerais accompagnerait accompagneriez "
    "accompagnerions acolleraient acollerais acollerait acolleriez acollerions acquerraient acquerrais "
    "acquerrait acquerriez acquerrions activeraient activerais activerait activeriez activerions "
    "actualiseraient actualiserais actualiserait actualiseriez actualiserions adapteraient adapterais "
    "adapterait adapteriez adapterions adhéreraient adhérerais adhérerait adhéreriez adhérerions "
    "adjuveraient adjuverais adjuverait adjuveriez adjuverions admettraient admettrais admettrait "
    "admettriez admettrions administreraient administrerais administrerait administreriez administrerions "
    "adopteraient adopterais adopterait adopteriez adopterions adresseraient adresserais adresserait "
    "adresseriez adresserions aggraveraient aggraverais aggraverait aggraveriez aggraverions agiraient "
    "agirais agirait agiriez agirions agréeraient agréerais agréerait agréeriez agréerions aideraient "
    "aiderais aiderait aideriez aiderions aimeraient aimerais aimerait aimeriez aimerions alcooliseraient "
    "alcooliserais alcooliserait alcooliseriez alcooliserions alerteraient alerterais alerterait "
    "alerteriez alerterions alimenteraient alimenterais alimenterait alimenteriez alimenterions "
    "allongeraient allongerais allongerait allongeriez allongerions allègeraient allègerais allègerait "
    "allègeriez allègerions alterneraient alternerais alternerait alterneriez alternerions altéreraient "
    "altérerais altérerait altéreriez altérerions amenderaient amenderais amenderait amenderiez "
    "amenderions amyotrophieraient amyotrophierais amyotrophierait amyotrophieriez amyotrophierions "
    "amèneraient amènerais amènerait amèneriez amènerions amélioreraient améliorerais améliorerait "
    "amélioreriez améliorerions analyseraient analyserais analyserait analyseriez analyserions "
    "anesthésieraient anesthésierais anesthésierait anesthésieriez anesthésierions animeraient animerais "
    "animerait animeriez animerions annexeraient annexerais annexerait annexeriez annexerions "
    "annuleraient annulerais annulerait annuleriez annulerions anonymiseraient anonymiserais "
    "anonymiserait anonymiseriez anonymiserions anticiperaient anticiperais anticiperait anticiperiez "
    "anticiperions anticoaguleraient anticoagulerais anticoagulerait anticoaguleriez anticoagulerions "
    "apercevraient apercevrais apercevrait apercevriez apercevrions aplatiraient aplatirais aplatirait "
    "aplatiriez aplatirions apparaîtraient apparaîtrais apparaîtrait apparaîtriez apparaîtrions "
    "appareilleraient appareillerais appareillerait appareilleriez appareillerions appelleraient "
    "appellerais appellerait appelleriez appellerions appliqueraient appliquerais appliquerait "
    "appliqueriez appliquerions apporteraient apporterais apporterait apporteriez apporterions "
    "apprendraient apprendrais apprendrait apprendriez apprendrions apprécieraient apprécierais "
    "apprécierait apprécieriez apprécierions appuieraient appuierais appuierait appuieriez appuierions "
    "argumenteraient argumenterais argumenterait argumenteriez argumenterions arqueraient arquerais "
    "arquerait arqueriez arquerions arriveraient arriverais arriverait arriveriez arriverions "
    "arrêteraient arrêterais arrêterait arrêteriez arrêterions articuleraient articulerais articulerait "
    "articuleriez articulerions aspireraient aspirerais aspirerait aspireriez aspirerions assisteraient "
    "assisterais assisterait assisteriez assisterions assiéraient assiérais assiérait assiériez "
    "assiérions associeraient associerais associerait associeriez associerions assureraient assurerais "
    "assurerait assureriez assurerions assécheraient assécherais assécherait assécheriez assécherions "
    "attacheraient attacherais attacherait attacheriez attacherions atteindraient atteindrais atteindrait "
    "atteindriez atteindrions attendraient attendrais attendrait attendriez attendrions attribueraient "
    "attribuerais attribuerait attribueriez attribuerions augmenteraient augmenterais augmenterait "
    "augmenteriez augmenterions auraient aurais aurait auriez aurions autonomiseraient autonomiserais "
    "autonomiserait autonomiseriez autonomiserions autoriseraient autoriserais autoriserait autoriseriez "
    "autoriserions avaleraient avalerais avalerait avaleriez avalerions avanceraient avancerais "
    "avancerait avanceriez avancerions avertiraient avertirais avertirait avertiriez avertirions "
    "avéreraient avérerais avérerait avéreriez avérerions aéreraient aérerais aérerait aéreriez aérerions "
    "baisseraient baisserais baisserait baisseriez baisserions ballonneraient ballonnerais ballonnerait "
    "ballonneriez ballonnerions blesseraient blesserais blesserait blesseriez blesserions bloqueraient "
    "bloquerais bloquerait bloqueriez bloquerions boiraient boirais boirait boiriez boirions borderaient "
    "borderais borderait borderiez borderions brancheraient brancherais brancherait brancheriez "
    "brancherions brûleraient brûlerais brûlerait brûleriez brûlerions bénéficieraient bénéficierais "
    "bénéficierait bénéficieriez bénéficierions cadreraient cadrerais cadrerait cadreriez cadrerions "
    "calcifieraient calcifierais calcifierait calcifieriez calcifierions calculeraient calculerais "
    "calculerait calculeriez calculerions calmeraient calmerais calmerait calmeriez calmerions "
    "canaliseraient canaliserais canaliserait canaliseriez canaliserions capteraient capterais capterait "
    "capteriez capterions carenceraient carencerais carencerait carenceriez carencerions casseraient "
    "casserais casserait casseriez casserions centreraient centrerais centrerait centreriez centrerions "
    "cerneraient cernerais cernerait cerneriez cernerions certifieraient certifierais certifierait "
    "certifieriez certifierions changeraient changerais changerait changeriez changerions chargeraient "
    "chargerais chargerait chargeriez chargerions chevaucheraient chevaucherais chevaucherait "
    "chevaucheriez chevaucherions choisiraient choisirais choisirait choisiriez choisirions "
    "chronomoduleraient chronomodulerais chronomodulerait chronomoduleriez chronomodulerions chuteraient "
    "chuterais chuterait chuteriez chuterions cicatriseraient cicatriserais cicatriserait cicatriseriez "
    "cicatriserions circonciraient circoncirais circoncirait circonciriez circoncirions circuleraient "
    "circulerais circulerait circuleriez circulerions classeraient classerais classerait classeriez "
    "classerions codéineraient codéinerais codéinerait codéineriez codéinerions coinceraient coincerais "
    "coincerait coinceriez coincerions coloreraient colorerais colorerait coloreriez colorerions "
    "combleraient comblerais comblerait combleriez comblerions commanderaient commanderais commanderait "
    "commanderiez commanderions commenceraient commencerais commencerait commenceriez commencerions "
    "communiqueraient communiquerais communiquerait communiqueriez communiquerions compareraient "
    "comparerais comparerait compareriez comparerions compliqueraient compliquerais compliquerait "
    "compliqueriez compliquerions compléteraient compléterais compléterait compléteriez compléterions "
    "comporteraient comporterais comporterait comporteriez comporterions comprendraient comprendrais "
    "comprendrait comprendriez comprendrions comprimeraient comprimerais comprimerait comprimeriez "
    "comprimerions concerneraient concernerais concernerait concerneriez concernerions concluraient "
    "conclurais conclurait concluriez conclurions condamneraient condamnerais condamnerait condamneriez "
    "condamnerions conditionneraient conditionnerais conditionnerait conditionneriez conditionnerions "
    "conduiraient conduirais conduirait conduiriez conduirions confineraient confinerais confinerait "
    "confineriez confinerions confirmeraient confirmerais confirmerait confirmeriez confirmerions "
    "confronteraient confronterais confronterait confronteriez confronterions congèleraient congèlerais "
    "congèlerait congèleriez congèlerions conjoindraient conjoindrais conjoindrait conjoindriez "
    "conjoindrions conjugueraient conjuguerais conjuguerait conjugueriez conjuguerions connaîtraient "
    "connaîtrais connaîtrait connaîtriez connaîtrions connecteraient connecterais connecterait "
    "connecteriez connecterions conseilleraient conseillerais conseillerait conseilleriez conseillerions "
    "conserveraient conserverais conserverait conserveriez conserverions considéreraient considérerais "
    "considérerait considéreriez considérerions consommeraient consommerais consommerait consommeriez "
    "consommerions constateraient constaterais constaterait constateriez constaterions constitueraient "
    "constituerais constituerait constitueriez constituerions consulteraient consulterais consulterait "
    "consulteriez consulterions contacteraient contacterais contacterait contacteriez contacterions "
    "contamineraient contaminerais contaminerait contamineriez contaminerions contentionneraient "
    "contentionnerais contentionnerait contentionneriez contentionnerions contiendraient contiendrais "
    "contiendrait contiendriez contiendrions continueraient continuerais continuerait continueriez "
    "continuerions contracteraient contracterais contracterait contracteriez contracterions "
    "contrarieraient contrarierais contrarierait contrarieriez contrarierions contribueraient "
    "contribuerais contribuerait contribueriez contribuerions contrôleraient contrôlerais contrôlerait "
    "contrôleriez contrôlerions convaincraient convaincrais convaincrait convaincriez convaincrions "
    "conviendraient conviendrais conviendrait conviendriez conviendrions convieraient convierais "
    "convierait convieriez convierions convoqueraient convoquerais convoquerait convoqueriez "
    "convoquerions copieraient copierais copierait copieriez copierions correspondraient correspondrais "
    "correspondrait correspondriez correspondrions corrigeraient corrigerais corrigerait corrigeriez "
    "corrigerions corréleraient corrélerais corrélerait corréleriez corrélerions coucheraient coucherais "
    "coucherait coucheriez coucherions coupleraient couplerais couplerait coupleriez couplerions "
    "couvriraient couvrirais couvrirait couvririez couvririons crapotteraient crapotterais crapotterait "
    "crapotteriez crapotterions creuseraient creuserais creuserait creuseriez creuserions croiraient "
    "croirais croirait croiriez croirions croiseraient croiserais croiserait croiseriez croiserions "
    "créeraient créerais créerait créeriez créerions crémeraient crémerais crémerait crémeriez crémerions "
    "crépiteraient crépiterais crépiterait crépiteriez crépiterions cumuleraient cumulerais cumulerait "
    "cumuleriez cumulerions curariseraient curariserais curariserait curariseriez curariserions "
    "céderaient céderais céderait céderiez céderions dateraient daterais daterait dateriez daterions "
    "demanderaient demanderais demanderait demanderiez demanderions demeureraient demeurerais demeurerait "
    "demeureriez demeurerions destineraient destinerais destinerait destineriez destinerions "
    "deviendraient deviendrais deviendrait deviendriez deviendrions devraient devrais devrait devriez "
    "devrions diagnostiqueraient diagnostiquerais diagnostiquerait diagnostiqueriez diagnostiquerions "
    "dialyseraient dialyserais dialyserait dialyseriez dialyserions dicteraient dicterais dicterait "
    "dicteriez dicterions diffuseraient diffuserais diffuserait diffuseriez diffuserions "
    "différencieraient différencierais différencierait différencieriez différencierions différeraient "
    "différerais différerait différeriez différerions digéreraient digérerais digérerait digéreriez "
    "digérerions dilateraient dilaterais dilaterait dilateriez dilaterions dilueraient diluerais "
    "diluerait dilueriez diluerions diminueraient diminuerais diminuerait diminueriez diminuerions "
    "dineraient dinerais dinerait dineriez dinerions diraient dirais dirait diriez dirigeraient "
    "dirigerais dirigerait dirigeriez dirigerions dirions discuteraient discuterais discuterait "
    "discuteriez discuterions disparaîtraient disparaîtrais disparaîtrait disparaîtriez disparaîtrions "
    "disposeraient disposerais disposerait disposeriez disposerions dissocieraient dissocierais "
    "dissocierait dissocieriez dissocierions dissèqueraient dissèquerais dissèquerait dissèqueriez "
    "dissèquerions dissémineraient disséminerais disséminerait dissémineriez disséminerions distendraient "
    "distendrais distendrait distendriez distendrions distingueraient distinguerais distinguerait "
    "distingueriez distinguerions divorceraient divorcerais divorcerait divorceriez divorcerions "
    "documenteraient documenterais documenterait documenteriez documenterions donneraient donnerais "
    "donnerait donneriez donnerions doreraient dorerais dorerait doreriez dorerions doseraient doserais "
    "doserait doseriez doserions doubleraient doublerais doublerait doubleriez doublerions douta doutai "
    "doutaient doutais doutait doutant doutas doutasse doutassent doutasses doutassiez doutassions doute "
    "doutent douter doutera douterai douteraient douterais douterait douteras douterez douteriez "
    "douterions douterons douteront doutes doutez doutiez doutions doutons doutâmes doutât doutâtes "
    "doutèrent douté doutée doutées doutés dureraient durerais durerait dureriez durerions dyaliseraient "
    "dyaliserais dyaliserait dyaliseriez dyaliserions dyspneraient dyspnerais dyspnerait dyspneriez "
    "dyspnerions débuteraient débuterais débuterait débuteriez débuterions décaleraient décalerais "
    "décalerait décaleriez décalerions décideraient déciderais déciderait décideriez déciderions "
    "déclareraient déclarerais déclarerait déclareriez déclarerions déclencheraient déclencherais "
    "déclencherait déclencheriez déclencherions découvriraient découvrirais découvrirait découvririez "
    "découvririons décriraient décrirais décrirait décririez décririons décroîtraient décroîtrais "
    "décroîtrait décroîtriez décroîtrions décurariseraient décurariserais décurariserait décurariseriez "
    "décurariserions décèleraient décèlerais décèlerait décèleriez décèlerions décéderaient décéderais "
    "décéderait décéderiez décéderions dédieraient dédierais dédierait dédieriez dédierions définiraient "
    "définirais définirait définiriez définirions dégraderaient dégraderais dégraderait dégraderiez "
    "dégraderions délivreraient délivrerais délivrerait délivreriez délivrerions dépasseraient "
    "dépasserais dépasserait dépasseriez dépasserions dépendraient dépendrais dépendrait dépendriez "
    "dépendrions déplaceraient déplacerais déplacerait déplaceriez déplacerions dépoliraient dépolirais "
    "dépolirait dépoliriez dépolirions déposeraient déposerais déposerait déposeriez déposerions "
    "dériveraient dériverais dériverait dériveriez dériverions dérouleraient déroulerais déroulerait "
    "dérouleriez déroulerions désappareilleraient désappareillerais désappareillerait désappareilleriez "
    "désappareillerions désigneraient désignerais désignerait désigneriez désignerions désinfecteraient "
    "désinfecterais désinfecterait désinfecteriez désinfecterions désorienteraient désorienterais "
    "désorienterait désorienteriez désorienterions détecteraient détecterais détecterait détecteriez "
    "détecterions détermineraient déterminerais déterminerait détermineriez déterminerions détruiraient "
    "détruirais détruirait détruiriez détruirions développeraient développerais développerait "
    "développeriez développerions dévoueraient dévouerais dévouerait dévoueriez dévouerions dîneraient "
    "dînerais dînerait dîneriez dînerions effaceraient effacerais effacerait effaceriez effacerions "
    "effectueraient effectuerais effectuerait effectueriez effectuerions effondreraient effondrerais "
    "effondrerait effondreriez effondrerions emboliseraient emboliserais emboliserait emboliseriez "
    "emboliserions emmèneraient emmènerais emmènerait emmèneriez emmènerions empêcheraient empêcherais "
    "empêcherait empêcheriez empêcherions encadreraient encadrerais encadrerait encadreriez encadrerions "
    "encourageraient encouragerais encouragerait encourageriez encouragerions endormiraient endormirais "
    "endormirait endormiriez endormirions endureraient endurerais endurerait endureriez endurerions "
    "enlèveraient enlèverais enlèverait enlèveriez enlèverions enregistreraient enregistrerais "
    "enregistrerait enregistreriez enregistrerions entameraient entamerais entamerait entameriez "
    "entamerions entendraient entendrais entendrait entendriez entendrions entoureraient entourerais "
    "entourerait entoureriez entourerions entraîneraient entraînerais entraînerait entraîneriez "
    "entraînerions entreprendraient entreprendrais entreprendrait entreprendriez entreprendrions "
    "entreraient entrerais entrerait entreriez entrerions envahiraient envahirais envahirait envahiriez "
    "envahirions enverraient enverrais enverrait enverriez enverrions envisage envisagea envisageai "
    "envisageaient envisageais envisageait envisageant envisageas envisageasse envisageassent "
    "envisageasses envisageassiez envisageassions envisagent envisageons envisager envisagera envisagerai "
    "envisageraient envisagerais envisagerait envisageras envisagerez envisageriez envisagerions "
    "envisagerons envisageront envisages envisagez envisageâmes envisageât envisageâtes envisagiez "
    "envisagions envisagèrent envisagé envisagée envisagées envisagés espéreraient espérerais espérerait "
    "espéreriez espérerions essaieraient essaierais essaierait essaieriez essaierions estimeraient "
    "estimerais estimerait estimeriez estimerions examineraient examinerais examinerait examineriez "
    "examinerions excentreraient excentrerais excentrerait excentreriez excentrerions exciseraient "
    "exciserais exciserait exciseriez exciserions excluraient exclurais exclurait excluriez exclurions "
    "expireraient expirerais expirerait expireriez expirerions expliqueraient expliquerais expliquerait "
    "expliqueriez expliquerions explora explorai exploraient explorais explorait explorant exploras "
    "explorasse explorassent explorasses explorassiez explorassions explore explorent explorer explorera "
    "explorerai exploreraient explorerais explorerait exploreras explorerez exploreriez explorerions "
    "explorerons exploreront explores explorez exploriez explorions explorons explorâmes explorât "
    "explorâtes explorèrent exploré explorée explorées explorés exposeraient exposerais exposerait "
    "exposeriez exposerions exprimeraient exprimerais exprimerait exprimeriez exprimerions "
    "extérioriseraient extérioriserais extérioriserait extérioriseriez extérioriserions exécuteraient "
    "exécuterais exécuterait exécuteriez exécuterions faciliteraient faciliterais faciliterait "
    "faciliteriez faciliterions fatigueraient fatiguerais fatiguerait fatigueriez fatiguerions "
    "favoriseraient favoriserais favoriserait favoriseriez favoriserions faxeraient faxerais faxerait "
    "faxeriez faxerions feraient ferais ferait feriez ferions fermeraient fermerais fermerait fermeriez "
    "fermerions figureraient figurerais figurerait figureriez figurerions fixeraient fixerais fixerait "
    "fixeriez fixerions focaliseraient focaliserais focaliserait focaliseriez focaliserions fonceraient "
    "foncerais foncerait fonceriez foncerions formeraient formerais formerait formeriez formerions "
    "fourniraient fournirais fournirait fourniriez fournirions fractionneraient fractionnerais "
    "fractionnerait fractionneriez fractionnerions fragmenteraient fragmenterais fragmenterait "
    "fragmenteriez fragmenterions fuiteraient fuiterais fuiterait fuiteriez fuiterions fusionneraient "
    "fusionnerais fusionnerait fusionneriez fusionnerions garderaient garderais garderait garderiez "
    "garderions graveraient graverais graverait graveriez graverions guideraient guiderais guiderait "
    "guideriez guiderions géreraient gérerais gérerait géreriez gérerions gêneraient gênerais gênerait "
    "gêneriez gênerions honoreraient honorerais honorerait honoreriez honorerions hopsitaliseraient "
    "hopsitaliserais hopsitaliserait hopsitaliseriez hopsitaliserions hospitaliseraient hospitaliserais "
    "hospitaliserait hospitaliseriez hospitaliserions hydrateraient hydraterais hydraterait hydrateriez "
    "hydraterions hyperartérialiseraient hyperartérialiserais hyperartérialiserait hyperartérialiseriez "
    "hyperartérialiserions hyperfixeraient hyperfixerais hyperfixerait hyperfixeriez hyperfixerions "
    "hypertrophieraient hypertrophierais hypertrophierait hypertrophieriez hypertrophierions hésiteraient "
    "hésiterais hésiterait hésiteriez hésiterions identifieraient identifierais identifierait "
    "identifieriez identifierions illustreraient illustrerais illustrerait illustreriez illustrerions "
    "immuniseraient immuniserais immuniserait immuniseriez immuniserions impacteraient impacterais "
    "impacterait impacteriez impacterions implanteraient implanterais implanterait implanteriez "
    "implanterions impliqueraient impliquerais impliquerait impliqueriez impliquerions importeraient "
    "importerais importerait importeriez importerions imposeraient imposerais imposerait imposeriez "
    "imposerions impregneraient impregnerais impregnerait impregneriez impregnerions imprimeraient "
    "imprimerais imprimerait imprimeriez imprimerions incluraient inclurais inclurait incluriez "
    "inclurions indifferencieraient indifferencierais indifferencierait indifferencieriez "
    "indifferencierions indiqueraient indiquerais indiquerait indiqueriez indiquerions infecteraient "
    "infecterais infecterait infecteriez infecterions infertiliseraient infertiliserais infertiliserait "
    "infertiliseriez infertiliserions infiltreraient infiltrerais infiltrerait infiltreriez infiltrerions "
    "infirmeraient infirmerais infirmerait infirmeriez infirmerions informeraient informerais informerait "
    "informeriez informerions inhaleraient inhalerais inhalerait inhaleriez inhalerions initieraient "
    "initierais initierait initieriez initierions injecteraient injecterais injecterait injecteriez "
    "injecterions inscriraient inscrirais inscrirait inscririez inscririons insisteraient insisterais "
    "insisterait insisteriez insisterions installeraient installerais installerait installeriez "
    "installerions interdiraient interdirais interdirait interdiriez interdirions interpréteraient "
    "interpréterais interpréterait interpréteriez interpréterions interrompraient interromprais "
    "interromprait interrompriez interromprions interviendraient interviendrais interviendrait "
    "interviendriez interviendrions intituleraient intitulerais intitulerait intituleriez intitulerions "
    "introduiraient introduirais introduirait introduiriez introduirions intéragiraient intéragirais "
    "intéragirait intéragiriez intéragirions inverseraient inverserais inverserait inverseriez "
    "inverserions inviteraient inviterais inviterait inviteriez inviterions ioderaient ioderais ioderait "
    "ioderiez ioderions ioniseraient ioniserais ioniserait ioniseriez ioniserions iraient irais irait "
    "iriez irions irradieraient irradierais irradierait irradieriez irradierions itérativeraient "
    "itérativerais itérativerait itérativeriez itérativerions joindraient joindrais joindrait joindriez "
    "joindrions jugeraient jugerais jugerait jugeriez jugerions justifieraient justifierais justifierait "
    "justifieriez justifierions laisseraient laisserais laisserait laisseriez laisserions lamineraient "
    "laminerais laminerait lamineriez laminerions lanceraient lancerais lancerait lanceriez lancerions "
    "latéraliseraient latéraliserais latéraliserait latéraliseriez latéraliserions laveraient laverais "
    "laverait laveriez laverions lieraient lierais lierait lieriez lierions ligatureraient ligaturerais "
    "ligaturerait ligatureriez ligaturerions limiteraient limiterais limiterait limiteriez limiterions "
    "liraient lirais lirait liriez lirions localiseraient localiserais localiserait localiseriez "
    "localiserions logeraient logerais logerait logeriez logerions louperaient louperais louperait "
    "louperiez louperions luiraient luirais luirait luiriez luirions lutteraient lutterais lutterait "
    "lutteriez lutterions lyriceraient lyricerais lyricerait lyriceriez lyricerions lyseraient lyserais "
    "lyserait lyseriez lyserions lèveraient lèverais lèverait lèveriez lèverions maculeraient maculerais "
    "maculerait maculeriez maculerions macéreraient macérerais macérerait macéreriez macérerions "
    "maintiendraient maintiendrais maintiendrait maintiendriez maintiendrions majoreraient majorerais "
    "majorerait majoreriez majorerions malaiseraient malaiserais malaiserait malaiseriez malaiserions "
    "mangeraient mangerais mangerait mangeriez mangerions manifesteraient manifesterais manifesterait "
    "manifesteriez manifesterions manipuleraient manipulerais manipulerait manipuleriez manipulerions "
    "manqueraient manquerais manquerait manqueriez manquerions marcheraient marcherais marcherait "
    "marcheriez marcherions marieraient marierais marierait marieriez marierions marmoneraient "
    "marmonerais marmonerait marmoneriez marmonerions marqueraient marquerais marquerait marqueriez "
    "marquerions masqueraient masquerais masquerait masqueriez masquerions masseraient masserais "
    "masserait masseriez masserions materaient materais materait materiez materions mesureraient "
    "mesurerais mesurerait mesureriez mesurerions meteoriseraient meteoriserais meteoriserait "
    "meteoriseriez meteoriserions mettraient mettrais mettrait mettriez mettrions mitigeraient mitigerais "
    "mitigerait mitigeriez mitigerions modifieraient modifierais modifierait modifieriez modifierions "
    "moduleraient modulerais modulerait moduleriez modulerions modéreraient modérerais modérerait "
    "modéreriez modérerions monteraient monterais monterait monteriez monterions montreraient montrerais "
    "montrerait montreriez montrerions motiveraient motiverais motiverait motiveriez motiverions "
    "mouchetteraient mouchetterais mouchetterait mouchetteriez mouchetterions mouleraient moulerais "
    "moulerait mouleriez moulerions mourraient mourrais mourrait mourriez mourrions multiopéréeraient "
    "multiopéréerais multiopéréerait multiopéréeriez multiopéréerions muniraient munirais munirait "
    "muniriez munirions muteraient muterais muterait muteriez muterions mèneraient mènerais mènerait "
    "mèneriez mènerions médicaliseraient médicaliserais médicaliserait médicaliseriez médicaliserions "
    "météoriseraient météoriserais météoriserait météoriseriez météoriserions naîtraient naîtrais "
    "naîtrait naîtriez naîtrions normaliseraient normaliserais normaliserait normaliseriez normaliserions "
    "noteraient noterais noterait noteriez noterions nuiraient nuirais nuirait nuiriez nuirions "
    "numériseraient numériserais numériserait numériseriez numériserions nécessiteraient nécessiterais "
    "nécessiterait nécessiteriez nécessiterions négativeraient négativerais négativerait négativeriez "
    "négativerions objectiveraient objectiverais objectiverait objectiveriez objectiverions observeraient "
    "observerais observerait observeriez observerions obstrueraient obstruerais obstruerait obstrueriez "
    "obstruerions obtiendraient obtiendrais obtiendrait obtiendriez obtiendrions occasionneraient "
    "occasionnerais occasionnerait occasionneriez occasionnerions occuperaient occuperais occuperait "
    "occuperiez occuperions opposeraient opposerais opposerait opposeriez opposerions opéreraient "
    "opérerais opérerait opéreriez opérerions organiseraient organiserais organiserait organiseriez "
    "organiserions orienteraient orienterais orienterait orienteriez orienterions ouvriraient ouvrirais "
    "ouvrirait ouvririez ouvririons palperaient palperais palperait palperiez palperions parasiteraient "
    "parasiterais parasiterait parasiteriez parasiterions paraîtraient paraîtrais paraîtrait paraîtriez "
    "paraîtrions parcourraient parcourrais parcourrait parcourriez parcourrions pareraient parerais "
    "parerait pareriez parerions paresthésieraient paresthésierais paresthésierait paresthésieriez "
    "paresthésierions parferaient parferais parferait parferiez parferions partageraient partagerais "
    "partagerait partageriez partagerions partiraient partirais partirait partiriez partirions "
    "parviendraient parviendrais parviendrait parviendriez parviendrions passeraient passerais passerait "
    "passeriez passerions penseraient penserais penserait penseriez penserions percevraient percevrais "
    "percevrait percevriez percevrions perdraient perdrais perdrait perdriez perdrions perforeraient "
    "perforerais perforerait perforeriez perforerions permettraient permettrais permettrait permettriez "
    "permettrions persisteraient persisterais persisterait persisteriez persisterions personnaliseraient "
    "personnaliserais personnaliserait personnaliseriez personnaliserions pigmenteraient pigmenterais "
    "pigmenterait pigmenteriez pigmenterions piloteraient piloterais piloterait piloteriez piloterions "
    "placeraient placerais placerait placeriez placerions plaindraient plaindrais plaindrait plaindriez "
    "plaindrions planifieraient planifierais planifierait planifieriez planifierions plieraient plierais "
    "plierait plieriez plierions plongeraient plongerais plongerait plongeriez plongerions porteraient "
    "porterais porterait porteriez porterions poseraient poserais poserait poseriez poserions "
    "positionneraient positionnerais positionnerait positionneriez positionnerions posséderaient "
    "posséderais posséderait posséderiez posséderions pourraient pourrais pourrait pourriez pourrions "
    "poursuivraient poursuivrais poursuivrait poursuivriez poursuivrions pousseraient pousserais "
    "pousserait pousseriez pousserions pratiqueraient pratiquerais pratiquerait pratiqueriez "
    "pratiquerions preciseraient preciserais preciserait preciseriez preciserions prendraient prendrais "
    "prendrait prendriez prendrions prescriraient prescrirais prescrirait prescririez prescririons "
    "prieraient prierais prierait prieriez prierions produiraient produirais produirait produiriez "
    "produirions programmeraient programmerais programmerait programmeriez programmerions prolongeraient "
    "prolongerais prolongerait prolongeriez prolongerions prononceraient prononcerais prononcerait "
    "prononceriez prononcerions proposeraient proposerais proposerait proposeriez proposerions "
    "prouveraient prouverais prouverait prouveriez prouverions provoqueraient provoquerais provoquerait "
    "provoqueriez provoquerions préciseraient préciserais préciserait préciseriez préciserions "
    "précéderaient précéderais précéderait précéderiez précéderions prédomineraient prédominerais "
    "prédominerait prédomineriez prédominerions préexisteraient préexisterais préexisterait préexisteriez "
    "préexisterions préféreraient préférerais préférerait préféreriez préférerions prélèveraient "
    "prélèverais prélèverait prélèveriez prélèverions prépareraient préparerais préparerait prépareriez "
    "préparerions présenteraient présenterais présenterait présenteriez présenterions préserveraient "
    "préserverais préserverait préserveriez préserverions préviendraient préviendrais préviendrait "
    "préviendriez préviendrions prévoiraient prévoirais prévoirait prévoiriez prévoirions puruleraient "
    "purulerais purulerait puruleriez purulerions pèseraient pèserais pèserait pèseriez pèserions "
    "pénétreraient pénétrerais pénétrerait pénétreriez pénétrerions radiofréquenceraient "
    "radiofréquencerais radiofréquencerait radiofréquenceriez radiofréquencerions ralentiraient "
    "ralentirais ralentirait ralentiriez ralentirions ramèneraient ramènerais ramènerait ramèneriez "
    "ramènerions rappelleraient rappellerais rappellerait rappelleriez rappellerions rapporteraient "
    "rapporterais rapporterait rapporteriez rapporterions rapprocheraient rapprocherais rapprocherait "
    "rapprocheriez rapprocherions rassureraient rassurerais rassurerait rassureriez rassurerions "
    "rattacheraient rattacherais rattacherait rattacheriez rattacherions rattraperaient rattraperais "
    "rattraperait rattraperiez rattraperions realiseraient realiserais realiserait realiseriez "
    "realiserions recenseraient recenserais recenserait recenseriez recenserions recevraient recevrais "
    "recevrait recevriez recevrions rechercha recherchai recherchaient recherchais recherchait "
    "recherchant recherchas recherchasse recherchassent recherchasses recherchassiez recherchassions "
    "recherche recherchent rechercher recherchera rechercherai rechercheraient rechercherais "
    "rechercherait rechercheras rechercherez rechercheriez rechercherions rechercherons rechercheront "
    "recherches recherchez recherchiez recherchions recherchons recherchâmes recherchât recherchâtes "
    "recherchèrent recherché recherchée recherchées recherchés recommanderaient recommanderais "
    "recommanderait recommanderiez recommanderions reconnaîtraient reconnaîtrais reconnaîtrait "
    "reconnaîtriez reconnaîtrions reconsulteraient reconsulterais reconsulterait reconsulteriez "
    "reconsulterions recontacteraient recontacterais recontacterait recontacteriez recontacterions "
    "recontrôleraient recontrôlerais recontrôlerait recontrôleriez recontrôlerions reconvoqueraient "
    "reconvoquerais reconvoquerait reconvoqueriez reconvoquerions recouvriraient recouvrirais "
    "recouvrirait recouvririez recouvririons recueilleraient recueillerais recueillerait recueilleriez "
    "recueillerions recupereraient recupererais recupererait recupereriez recupererions redescendraient "
    "redescendrais redescendrait redescendriez redescendrions rediscuteraient rediscuterais rediscuterait "
    "rediscuteriez rediscuterions referaient referais referait referiez referions refouleraient "
    "refoulerais refoulerait refouleriez refoulerions refuseraient refuserais refuserait refuseriez "
    "refuserions regarderaient regarderais regarderait regarderiez regarderions rehausseraient "
    "rehausserais rehausserait rehausseriez rehausserions relaieraient relaierais relaierait relaieriez "
    "relaierions relanceraient relancerais relancerait relanceriez relancerions reliraient relirais "
    "relirait reliriez relirions relâcheraient relâcherais relâcherait relâcheriez relâcherions "
    "relèveraient relèverais relèverait relèveriez relèverions remanieraient remanierais remanierait "
    "remanieriez remanierions remarqueraient remarquerais remarquerait remarqueriez remarquerions "
    "remercieraient remercierais remercierait remercieriez remercierions remettraient remettrais "
    "remettrait remettriez remettrions remonteraient remonterais remonterait remonteriez remonterions "
    "remplaceraient remplacerais remplacerait remplaceriez remplacerions rempliraient remplirais "
    "remplirait rempliriez remplirions rencontreraient rencontrerais rencontrerait rencontreriez "
    "rencontrerions rendormiraient rendormirais rendormirait rendormiriez rendormirions rendraient "
    "rendrais rendrait rendriez rendrions renfermeraient renfermerais renfermerait renfermeriez "
    "renfermerions renforceraient renforcerais renforcerait renforceriez renforcerions renouvelleraient "
    "renouvellerais renouvellerait renouvelleriez renouvellerions renseigneraient renseignerais "
    "renseignerait renseigneriez renseignerions rentreraient rentrerais rentrerait rentreriez rentrerions "
    "reparleraient reparlerais reparlerait reparleriez reparlerions repasseraient repasserais repasserait "
    "repasseriez repasserions reporteraient reporterais reporterait reporteriez reporterions "
    "reprendraient reprendrais reprendrait reprendriez reprendrions represcriraient represcrirais "
    "represcrirait represcririez represcririons reproduiraient reproduirais reproduirait reproduiriez "
    "reproduirions reprogrammeraient reprogrammerais reprogrammerait reprogrammeriez reprogrammerions "
    "représenteraient représenterais représenterait représenteriez représenterions repéreraient "
    "repérerais repérerait repéreriez repérerions requerraient requerrais requerrait requerriez "
    "requerrions respecteraient respecterais respecterait respecteriez respecterions ressembleraient "
    "ressemblerais ressemblerait ressembleriez ressemblerions ressentiraient ressentirais ressentirait "
    "ressentiriez ressentirions resteraient resterais resterait resteriez resterions restreindraient "
    "restreindrais restreindrait restreindriez restreindrions retarderaient retarderais retarderait "
    "retarderiez retarderions retiendraient retiendrais retiendrait retiendriez retiendrions retireraient "
    "retirerais retirerait retireriez retirerions retrouveraient retrouverais retrouverait retrouveriez "
    "retrouverions revasculariseraient revasculariserais revasculariserait revasculariseriez "
    "revasculariserions reverraient reverrais reverrait reverriez reverrions reverticaliseraient "
    "reverticaliserais reverticaliserait reverticaliseriez reverticaliserions reviendraient reviendrais "
    "reviendrait reviendriez reviendrions rompraient romprais romprait rompriez romprions rouleraient "
    "roulerais roulerait rouleriez roulerions réadapteraient réadapterais réadapterait réadapteriez "
    "réadapterions réadmettraient réadmettrais réadmettrait réadmettriez réadmettrions réadresseraient "
    "réadresserais réadresserait réadresseriez réadresserions réaliseraient réaliserais réaliserait "
    "réaliseriez réaliserions récidiveraient récidiverais récidiverait récidiveriez récidiverions "
    "récupéreraient récupérerais récupérerait récupéreriez récupérerions rédigeraient rédigerais "
    "rédigerait rédigeriez rédigerions réduiraient réduirais réduirait réduiriez réduirions "
    "réessaieraient réessaierais réessaierait réessaieriez réessaierions réexpliqueraient réexpliquerais "
    "réexpliquerait réexpliqueriez réexpliquerions référeraient référerais référerait référeriez "
    "référerions régleraient réglerais réglerait régleriez réglerions régresseraient régresserais "
    "régresserait régresseriez régresserions réhausseraient réhausserais réhausserait réhausseriez "
    "réhausserions réopéreraient réopérerais réopérerait réopéreriez réopérerions répartiraient "
    "répartirais répartirait répartiriez répartirions répondraient répondrais répondrait répondriez "
    "répondrions répéteraient répéterais répéterait répéteriez répéterions réserveraient réserverais "
    "réserverait réserveriez réserverions résorberaient résorberais résorberait résorberiez résorberions "
    "résoudraient résoudrais résoudrait résoudriez résoudrions résèqueraient résèquerais résèquerait "
    "résèqueriez résèquerions réveilleraient réveillerais réveillerait réveilleriez réveillerions "
    "révéleraient révélerais révélerait révéleriez révélerions réévalueraient réévaluerais réévaluerait "
    "réévalueriez réévaluerions rêveraient rêverais rêverait rêveriez rêverions s'apparenta s'apparentai "
    "s'apparentaient s'apparentais s'apparentait s'apparentant s'apparentas s'apparentasse "
    "s'apparentassent s'apparentasses s'apparentassiez s'apparentassions s'apparente s'apparentent "
    "s'apparenter s'apparentera s'apparenterai s'apparenteraient s'apparenterais s'apparenterait "
    "s'apparenteras s'apparenterez s'apparenteriez s'apparenterions s'apparenterons s'apparenteront "
    "s'apparentes s'apparentez s'apparentiez s'apparentions s'apparentons s'apparentâmes s'apparentât "
    "s'apparentâtes s'apparentèrent s'apparenté s'apparentée s'apparentées s'apparentés sacreraient "
    "sacrerais sacrerait sacreriez sacrerions saisiraient saisirais saisirait saisiriez saisirions "
    "satisferaient satisferais satisferait satisferiez satisferions sauraient saurais saurait sauriez "
    "saurions scanneraient scannerais scannerait scanneriez scannerions scolariseraient scolariserais "
    "scolariserait scolariseriez scolariserions sembla semblai semblaient semblais semblait semblant "
    "semblas semblasse semblassent semblasses semblassiez semblassions semble semblent sembler semblera "
    "semblerai sembleraient semblerais semblerait sembleras semblerez sembleriez semblerions semblerons "
    "sembleront sembles semblez sembliez semblions semblons semblâmes semblât semblâtes semblèrent semblé "
    "semblée semblées semblés sensibiliseraient sensibiliserais sensibiliserait sensibiliseriez "
    "sensibiliserions sentiraient sentirais sentirait sentiriez sentirions seraient serais serait seriez "
    "serions serreraient serrerais serrerait serreriez serrerions serviraient servirais servirait "
    "serviriez servirions signaleraient signalerais signalerait signaleriez signalerions signeraient "
    "signerais signerait signeriez signerions situeraient situerais situerait situeriez situerions "
    "siègeraient siègerais siègerait siègeriez siègerions soigneraient soignerais soignerait soigneriez "
    "soignerions sommeilleraient sommeillerais sommeillerait sommeilleriez sommeillerions sonderaient "
    "sonderais sonderait sonderiez sonderions sortiraient sortirais sortirait sortiriez sortirions "
    "souffleraient soufflerais soufflerait souffleriez soufflerions souhaiteraient souhaiterais "
    "souhaiterait souhaiteriez souhaiterions soulageraient soulagerais soulagerait soulageriez "
    "soulagerions soupçonna soupçonnai soupçonnaient soupçonnais soupçonnait soupçonnant soupçonnas "
    "soupçonnasse soupçonnassent soupçonnasses soupçonnassiez soupçonnassions soupçonne soupçonnent "
    "soupçonner soupçonnera soupçonnerai soupçonneraient soupçonnerais soupçonnerait soupçonneras "
    "soupçonnerez soupçonneriez soupçonnerions soupçonnerons soupçonneront soupçonnes soupçonnez "
    "soupçonniez soupçonnions soupçonnons soupçonnâmes soupçonnât soupçonnâtes soupçonnèrent soupçonné "
    "soupçonnée soupçonnées soupçonnés soussigneraient soussignerais soussignerait soussigneriez "
    "soussignerions souviendraient souviendrais souviendrait souviendriez souviendrions spécialiseraient "
    "spécialiserais spécialiserait spécialiseriez spécialiserions stabiliseraient stabiliserais "
    "stabiliserait stabiliseriez stabiliserions statueraient statuerais statuerait statueriez statuerions "
    "stenteraient stenterais stenterait stenteriez stenterions stopperaient stopperais stopperait "
    "stopperiez stopperions stratifieraient stratifierais stratifierait stratifieriez stratifierions "
    "subiraient subirais subirait subiriez subirions substitueraient substituerais substituerait "
    "substitueriez substituerions sucreraient sucrerais sucrerait sucreriez sucrerions suggère suggèrent "
    "suggères suggéra suggérai suggéraient suggérais suggérait suggérant suggéras suggérasse suggérassent "
    "suggérasses suggérassiez suggérassions suggérer suggérera suggérerai suggéreraient suggérerais "
    "suggérerait suggéreras suggérerez suggéreriez suggérerions suggérerons suggéreront suggérez "
    "suggériez suggérions suggérons suggérâmes suggérât suggérâtes suggérèrent suggéré suggérée suggérées "
    "suggérés suivraient suivrais suivrait suivriez suivrions supporteraient supporterais supporterait "
    "supporteriez supporterions supprimeraient supprimerais supprimerait supprimeriez supprimerions "
    "surajouteraient surajouterais surajouterait surajouteriez surajouterions surmonteraient surmonterais "
    "surmonterait surmonteriez surmonterions surveilleraient surveillerais surveillerait surveilleriez "
    "surveillerions surviendraient surviendrais surviendrait surviendriez surviendrions suspecta "
    "suspectai suspectaient suspectais suspectait suspectant suspectas suspectasse suspectassent "
    "suspectasses suspectassiez suspectassions suspecte suspectent suspecter suspectera suspecterai "
    "suspecteraient suspecterais suspecterait suspecteras suspecterez suspecteriez suspecterions "
    "suspecterons suspecteront suspectes suspectez suspectiez suspections suspectons suspectâmes "
    "suspectât suspectâtes suspectèrent suspecté suspectée suspectées suspectés suspendraient suspendrais "
    "suspendrait suspendriez suspendrions sutureraient suturerais suturerait sutureriez suturerions "
    "synchroniseraient synchroniserais synchroniserait synchroniseriez synchroniserions systématiseraient "
    "systématiserais systématiserait systématiseriez systématiserions sèvreraient sèvrerais sèvrerait "
    "sèvreriez sèvrerions sécréteraient sécréterais sécréterait sécréteriez sécréterions sécuriseraient "
    "sécuriserais sécuriserait sécuriseriez sécuriserions sédateraient sédaterais sédaterait sédateriez "
    "sédaterions séjourneraient séjournerais séjournerait séjourneriez séjournerions sépareraient "
    "séparerais séparerait sépareriez séparerions tairaient tairais tairait tairiez tairions taperaient "
    "taperais taperait taperiez taperions teinteraient teinterais teinterait teinteriez teinterions "
    "tendraient tendrais tendrait tendriez tendrions tenteraient tenterais tenterait tenteriez tenterions "
    "termineraient terminerais terminerait termineriez terminerions testeraient testerais testerait "
    "testeriez testerions thromboseraient thromboserais thromboserait thromboseriez thromboserions "
    "tiendraient tiendrais tiendrait tiendriez tiendrions tireraient tirerais tirerait tireriez tirerions "
    "tissulairaient tissulairais tissulairait tissulairiez tissulairions titulariseraient titulariserais "
    "titulariserait titulariseriez titulariserions tiudraient tiudrais tiudrait tiudriez tiudrions "
    "toléreraient tolérerais tolérerait toléreriez tolérerions tourneraient tournerais tournerait "
    "tourneriez tournerions traceraient tracerais tracerait traceriez tracerions trachéotomiseraient "
    "trachéotomiserais trachéotomiserait trachéotomiseriez trachéotomiserions traduiraient traduirais "
    "traduirait traduiriez traduirions traiteraient traiterais traiterait traiteriez traiterions "
    "transcriraient transcrirais transcrirait transcririez transcririons transféreraient transférerais "
    "transférerait transféreriez transférerions transmettraient transmettrais transmettrait transmettriez "
    "transmettrions transporteraient transporterais transporterait transporteriez transporterions "
    "trasnfixeraient trasnfixerais trasnfixerait trasnfixeriez trasnfixerions travailleraient "
    "travaillerais travaillerait travailleriez travaillerions tronqueraient tronquerais tronquerait "
    "tronqueriez tronquerions trouveraient trouverais trouverait trouveriez trouverions téléphoneraient "
    "téléphonerais téléphonerait téléphoneriez téléphonerions ulcéreraient ulcérerais ulcérerait "
    "ulcéreriez ulcérerions urineraient urinerais urinerait urineriez urinerions utiliseraient "
    "utiliserais utiliserait utiliseriez utiliserions vaccineraient vaccinerais vaccinerait vaccineriez "
    "vaccinerions valideraient validerais validerait valideriez validerions varieraient varierais "
    "varierait varieriez varierions vasculariseraient vasculariserais vasculariserait vasculariseriez "
    "vasculariserions vaudraient vaudrais vaudrait vaudriez vaudrions verifieraient verifierais "
    "verifierait verifieriez verifierions verraient verrais verrait verriez verrions vieilliraient "
    "vieillirais vieillirait vieilliriez vieillirions viendraient viendrais viendrait viendriez "
    "viendrions viseraient viserais viserait viseriez viserions visualiseraient visualiserais "
    "visualiserait visualiseriez visualiserions vivraient vivrais vivrait vivriez vivrions voudraient "
    "voudrais voudrait voudriez voudrions vérifieraient vérifierais vérifierait vérifieriez vérifierions "
    "ébaucheraient ébaucherais ébaucherait ébaucheriez ébaucherions écarteraient écarterais écarterait "
    "écarteriez écarterions échographieraient échographierais échographierait échographieriez "
    "échographierions échoguideraient échoguiderais échoguiderait échoguideriez échoguiderions "
    "échoiraient échoirait échoueraient échouerais échouerait échoueriez échouerions éclaireraient "
    "éclairerais éclairerait éclaireriez éclairerions écraseraient écraserais écraserait écraseriez "
    "écraserions élargiraient élargirais élargirait élargiriez élargirions élimineraient éliminerais "
    "éliminerait élimineriez éliminerions émousseraient émousserais émousserait émousseriez émousserions "
    "épaissiraient épaissirais épaissirait épaissiriez épaissirions épargneraient épargnerais épargnerait "
    "épargneriez épargnerions épuiseraient épuiserais épuiserait épuiseriez épuiserions épureraient "
    "épurerais épurerait épureriez épurerions équilibreraient équilibrerais équilibrerait équilibreriez "
    "équilibrerions établiraient établirais établirait établiriez établirions étageraient étagerais "
    "étagerait étageriez étagerions étendraient étendrais étendrait étendriez étendrions étiquetteraient "
    "étiquetterais étiquetterait étiquetteriez étiquetterions étrangleraient étranglerais étranglerait "
    "étrangleriez étranglerions évalueraient évaluerais évaluerait évalueriez évaluerions éviteraient "
    "éviterais éviterait éviteriez éviterions évolueraient évoluerais évoluerait évolueriez évoluerions "
    "évoqueraient évoquerais évoquerait évoqueriez évoquerions"
)

HYPOTHESIS_VERBS_FOLLOWING: tuple[str, ...] = _words(
    "douté doutée doutées doutés envisagé envisagée envisagées envisagés exploré explorée explorées "
    "explorés recherché recherchée recherchées recherchés s'apparenté s'apparentée s'apparentées "
    "s'apparentés semblé semblée semblées semblés soupçonné soupçonnée soupçonnées soupçonnés suggéré "
    "suggérée suggérées suggérés suspecté suspectée suspectées suspectés"
)

FAMILY: tuple[str, ...] = (
    "aïeul",
    "aïeux",
    "antécédent familial",
    "antécédents familiaux",
    "arrière-grand-mère",
    "arrière-grand-père",
    "arrière-grands-parents",
    "cousin",
    "cousine",
    "cousines",
    "cousins",
    "enfant",
    "enfants",
    "épouse",
    "époux",
    "familial",
    "familiale",
    "familiales",
    "familiaux",
    "famille",
    "fiancé",
    "fiancée",
    "fils",
    "fille",
    "filles",
    "frère",
    "frères",
    "grand-mère",
    "grand-père",
    "grands-parents",
    "maman",
    "mari",
    "mère",
    "oncle",
    "papa",
    "parent",
    "parents",
    "père",
    "soeur",
    "sœur",
    "sœurs",
    "soeurs",
    "tante",
    "neveu",
    "neveux",
    "nièce",
    "nièces",
)

HISTORY: tuple[str, ...] = (
    "antécédents",
    "atcd",
    "atcds",
    "tacds",
    "antécédent",
)
