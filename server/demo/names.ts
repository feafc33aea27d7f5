import type { Random } from './random';

export type Region = 'nordics' | 'baltics' | 'dach' | 'benelux' | 'uk' | 'cee';
export type Vertical = 'public-sector' | 'education' | 'healthcare';

export type CountryProfile = {
  country: string;
  weight: number;
  region: Region;
  currency: string;
  /** Units of `currency` per EUR, for believable invoice amounts. */
  perEuro: number;
  tld: string;
  legalSuffixes: readonly (readonly [string, number])[];
  places: readonly string[];
  /** Invented place-like names are `stem + ending`. */
  stems: readonly string[];
  endings: readonly string[];
  families: readonly string[];
  trades: readonly string[];
  firstNames: readonly string[];
  /** `{name}` is replaced by an invented place-like name; such organizations carry no legal suffix. */
  publicBody?: string;
  school?: string;
};

// Comma-separated, so the tables stay readable under the formatter.
const list = (items: string): readonly string[] => items.split(', ');

export const countryProfiles: readonly CountryProfile[] = [
  {
    country: 'SE',
    weight: 26,
    region: 'nordics',
    currency: 'SEK',
    perEuro: 11.2,
    tld: 'se',
    legalSuffixes: [['AB', 1]],
    places: list(
      'Stockholm, Göteborg, Malmö, Uppsala, Västerås, Örebro, Linköping, Helsingborg, Jönköping, Norrköping, Lund, Umeå, Gävle, Borås, Sundsvall, Karlstad, Växjö, Luleå, Östersund, Kalmar, Falun, Visby, Skellefteå, Halmstad',
    ),
    stems: list(
      'Nord, Syd, Väst, Öst, Fjäll, Sjö, Berg, Lind, Ek, Björk, Gran, Strand, Holm, Dal, Sol, Älv, Mälar, Vätter',
    ),
    endings: ['vik', 'berg', 'holm', 'dal', 'ström', 'by', 'näs', 'sund', 'lund', 'hamn', 'fors'],
    families: list(
      'Lindqvist, Bergström, Johansson, Andersson, Karlsson, Nilsson, Eriksson, Larsson, Olsson, Persson, Svensson, Gustafsson, Pettersson, Jonsson, Lundgren, Sandberg, Engström, Holmberg, Forsberg, Wallin',
    ),
    trades: list(
      'Logistik, Bygg, Data, Konsult, Energi, Trävaror, Mekaniska, Fastigheter, Revision, Transport, Design, Media, Medicinteknik, Livsmedel, Elektriska, Skog, Marin, Advokatbyrå, Bemanning, Tandvård, Arkitekter, Kommunikation, Säkerhet, Teknik, Invest, Redovisning, Verkstad, Plast, Rör, Utbildning',
    ),
    firstNames: list(
      'Anna, Erik, Maria, Lars, Karin, Johan, Sara, Anders, Emma, Magnus, Ida, Oskar, Elin, Fredrik, Linnea, Mikael',
    ),
    publicBody: 'Region {name}',
    school: '{name} folkhögskola',
  },
  {
    country: 'NO',
    weight: 14,
    region: 'nordics',
    currency: 'NOK',
    perEuro: 11.6,
    tld: 'no',
    legalSuffixes: [
      ['AS', 9],
      ['ASA', 1],
    ],
    places: list(
      'Oslo, Bergen, Trondheim, Stavanger, Tromsø, Drammen, Ålesund, Bodø, Kristiansand, Fredrikstad, Hamar, Molde, Narvik, Haugesund, Lillehammer, Arendal',
    ),
    stems: list('Nord, Fjord, Sjø, Berg, Lia, Vik, Ås, Strand, Nes, Dal, Fjell, Sol, Havn, Lyng'),
    endings: ['vik', 'berg', 'heim', 'dal', 'nes', 'sund', 'strand', 'vang', 'haug'],
    families: list(
      'Hansen, Johansen, Olsen, Larsen, Andersen, Pedersen, Nilsen, Kristiansen, Jensen, Karlsen, Haugen, Hagen, Bakken, Solberg, Moen, Dahl, Lie',
    ),
    trades: list(
      'Marin, Havbruk, Sjømat, Bygg, Energi, Rederi, Eiendom, Regnskap, Transport, Data, Teknikk, Elektro, Offshore, Advokatfirma, Rør, Maskin, Helse, Tannklinikk, Arkitekter, Media, Kompetanse',
    ),
    firstNames: list(
      'Ingrid, Ole, Kari, Per, Silje, Anders, Marte, Jonas, Hanne, Lars, Tone, Espen, Nora, Håkon, Siri, Øyvind',
    ),
    publicBody: '{name} kommune',
    school: '{name} videregående skole',
  },
  {
    country: 'DK',
    weight: 12,
    region: 'nordics',
    currency: 'DKK',
    perEuro: 7.46,
    tld: 'dk',
    legalSuffixes: [
      ['ApS', 65],
      ['A/S', 35],
    ],
    places: list(
      'København, Aarhus, Odense, Aalborg, Esbjerg, Roskilde, Vejle, Herning, Kolding, Horsens, Randers, Silkeborg, Svendborg, Helsingør, Viborg',
    ),
    stems: list('Nør, Søn, Vest, Øst, Strand, Skov, Bak, Lund, Holm, Sø, Fjord, Eng, Hav'),
    endings: ['by', 'gaard', 'holm', 'lund', 'bjerg', 'dal', 'strup', 'høj', 'sted', 'vig'],
    families: list(
      'Jensen, Nielsen, Hansen, Pedersen, Andersen, Christensen, Larsen, Sørensen, Rasmussen, Jørgensen, Madsen, Kristensen, Mortensen, Poulsen, Thomsen, Møller',
    ),
    trades: list(
      'Design, Møbler, Logistik, Data, Rådgivning, Byg, Energi, Revision, Fødevarer, Shipping, Medico, Arkitekter, Transport, El-teknik, VVS, Tandlæger, Ejendomme, Kommunikation, Maskinfabrik, Grafisk',
    ),
    firstNames: list(
      'Mette, Søren, Anne, Jens, Camilla, Mads, Louise, Rasmus, Pernille, Henrik, Line, Frederik, Signe, Thomas, Maja, Jesper',
    ),
    publicBody: '{name} Kommune',
    school: '{name} Efterskole',
  },
  {
    country: 'FI',
    weight: 12,
    region: 'nordics',
    currency: 'EUR',
    perEuro: 1,
    tld: 'fi',
    legalSuffixes: [
      ['Oy', 9],
      ['Oyj', 1],
    ],
    places: list(
      'Helsinki, Espoo, Tampere, Turku, Oulu, Jyväskylä, Lahti, Kuopio, Vaasa, Porvoo, Pori, Joensuu, Lappeenranta, Rovaniemi, Hämeenlinna, Seinäjoki',
    ),
    stems: list(
      'Pohjola, Kaleva, Tapiola, Lappi, Saimaa, Karjala, Häme, Kainuu, Savo, Aalto, Tunturi, Revontuli, Kuusi, Honka, Kotka, Ilves',
    ),
    endings: [''],
    families: list(
      'Virtanen, Korhonen, Mäkinen, Nieminen, Mäkelä, Hämäläinen, Laine, Heikkinen, Koskinen, Järvinen, Lehtonen, Lehtinen, Saarinen, Salminen',
    ),
    trades: list(
      'Data, Teknologia, Rakennus, Logistiikka, Energia, Konsultointi, Kone, Puu, Metsä, Sähkö, Kuljetus, Terveys, Hammaslääkärit, Arkkitehdit, Media, Tilintarkastus, Kiinteistöt, Design, Turva',
    ),
    firstNames: list(
      'Aino, Mikko, Laura, Jukka, Sanna, Antti, Heidi, Timo, Riikka, Juha, Elina, Ville, Noora, Petri, Kaisa, Janne',
    ),
    school: '{name} Opisto',
  },
  {
    country: 'DE',
    weight: 12,
    region: 'dach',
    currency: 'EUR',
    perEuro: 1,
    tld: 'de',
    legalSuffixes: [
      ['GmbH', 70],
      ['GmbH & Co. KG', 20],
      ['AG', 10],
    ],
    places: list(
      'München, Hamburg, Berlin, Köln, Frankfurt, Stuttgart, Düsseldorf, Leipzig, Dresden, Bremen, Hannover, Nürnberg, Freiburg, Augsburg, Kiel, Rostock, Münster, Regensburg',
    ),
    stems: list('Rhein, Elb, Main, Alpen, Nord, Süd, Wald, Berg, Stein, Brück, Linden, Eichen, Sonnen'),
    endings: ['', 'feld', 'berg', 'tal', 'hof', 'bach', 'hausen', 'stein', 'dorf'],
    families: list(
      'Müller, Schmidt, Schneider, Fischer, Weber, Meyer, Wagner, Becker, Schulz, Hoffmann, Koch, Richter, Klein, Wolf, Schröder, Neumann, Zimmermann, Braun, Krüger, Hartmann',
    ),
    trades: list(
      'Werkzeug, Logistik, Maschinenbau, Software, Energie, Bau, Medizintechnik, Steuerberatung, Druck, Automation, Systemhaus, Immobilien, Elektrotechnik, Spedition, Metallbau, Zahnmedizin, Architekten, Kommunikation, Präzisionstechnik, Holzbau',
    ),
    firstNames: list(
      'Julia, Lukas, Anna, Jonas, Sabine, Stefan, Katrin, Michael, Lena, Tobias, Claudia, Florian, Miriam, Jürgen, Sophie, Matthias',
    ),
    publicBody: 'Gemeinde {name}',
    school: 'Akademie {name}',
  },
  {
    country: 'NL',
    weight: 9,
    region: 'benelux',
    currency: 'EUR',
    perEuro: 1,
    tld: 'nl',
    legalSuffixes: [
      ['BV', 9],
      ['NV', 1],
    ],
    places: list(
      'Rotterdam, Amsterdam, Utrecht, Eindhoven, Groningen, Den Haag, Delft, Leiden, Zwolle, Breda, Tilburg, Nijmegen, Arnhem, Haarlem, Maastricht, Almere',
    ),
    stems: list('Noord, Zuid, West, Oost, Maas, Rijn, Duin, Polder, Dijk, Zee, Linde, Eik, Molen'),
    endings: ['', 'wijk', 'dam', 'veld', 'berg', 'hoven', 'stad', 'kerk', 'land'],
    families: list(
      'De Vries, Jansen, Van den Berg, Bakker, Visser, Smit, Meijer, De Boer, Mulder, De Groot, Bos, Vos, Peters, Hendriks, Van Dijk, Dekker',
    ),
    trades: list(
      'Freight, Logistiek, Techniek, Bouw, Advies, Software, Energie, Zorg, Media, Installatie, Transport, Vastgoed, Accountants, Architecten, Tandartsen, Handel, Food, Drukkerij, Elektro',
    ),
    firstNames: list(
      'Sanne, Daan, Lotte, Bram, Anouk, Jeroen, Femke, Thijs, Eva, Sander, Iris, Ruben, Marloes, Joost, Fleur, Bas',
    ),
    publicBody: 'Gemeente {name}',
    school: '{name} College',
  },
  {
    country: 'GB',
    weight: 3,
    region: 'uk',
    currency: 'GBP',
    perEuro: 0.85,
    tld: 'co.uk',
    legalSuffixes: [
      ['Ltd', 85],
      ['PLC', 15],
    ],
    places: list(
      'Leeds, Bristol, Manchester, Edinburgh, Glasgow, Cardiff, York, Leicester, Norwich, Aberdeen, Brighton, Belfast',
    ),
    stems: list('North, South, West, East, Oak, Ash, Elm, Stone, Brook, Harbour, Kings, Heath'),
    endings: ['', 'field', 'wood', 'ford', 'bridge', 'gate', 'well', 'ley', 'ton'],
    families: list(
      'Smith, Jones, Taylor, Brown, Williams, Wilson, Evans, Thomas, Johnson, Roberts, Walker, Wright, Robinson, Thompson, Hughes',
    ),
    trades: list(
      'Engineering, Logistics, Consulting, Media, Software, Construction, Energy, Property, Accountancy, Freight, Dental Care, Architects, Legal, Print, Systems, Healthcare',
    ),
    firstNames: list(
      'Emily, James, Sophie, Oliver, Charlotte, Harry, Hannah, George, Amelia, Jack, Lucy, Thomas, Grace, Daniel, Chloe, William',
    ),
    publicBody: '{name} Borough Council',
    school: '{name} Academy',
  },
  {
    country: 'PL',
    weight: 3,
    region: 'cee',
    currency: 'PLN',
    perEuro: 4.3,
    tld: 'pl',
    legalSuffixes: [
      ['sp. z o.o.', 85],
      ['S.A.', 15],
    ],
    places: list(
      'Gdańsk, Kraków, Wrocław, Poznań, Łódź, Szczecin, Lublin, Katowice, Gdynia, Toruń, Rzeszów, Białystok',
    ),
    stems: list('Bałtyk, Wisła, Odra, Tatry, Pomorze, Mazowsze, Warta, Sudety, Karpaty, Jantar'),
    endings: [''],
    families: list(
      'Nowak, Kowalski, Wiśniewski, Wójcik, Kowalczyk, Kamiński, Lewandowski, Zieliński, Szymański, Woźniak, Dąbrowski, Kozłowski',
    ),
    trades: list(
      'Logistyka, Budownictwo, Systemy, Energia, Transport, Doradztwo, Technologie, Meble, Spedycja, Media, Nieruchomości, Stomatologia',
    ),
    firstNames: list(
      'Anna, Piotr, Katarzyna, Tomasz, Agnieszka, Michał, Magdalena, Paweł, Joanna, Krzysztof, Monika, Łukasz',
    ),
  },
  {
    country: 'EE',
    weight: 2,
    region: 'baltics',
    currency: 'EUR',
    perEuro: 1,
    tld: 'ee',
    legalSuffixes: [
      ['OÜ', 85],
      ['AS', 15],
    ],
    places: list('Tallinn, Tartu, Pärnu, Narva, Viljandi, Rakvere, Haapsalu, Kuressaare'),
    stems: list('Saare, Pärna, Kuuse, Tamme, Kase, Järve, Metsa, Ranna, Põhja, Lõuna'),
    endings: [''],
    families: list('Tamm, Saar, Sepp, Mägi, Kask, Kukk, Rebane, Ilves, Pärn, Koppel, Lepik, Oja'),
    trades: list(
      'Tarkvara, Logistika, Ehitus, Energia, Transport, Konsultatsioonid, Tehnika, Andmed, Puit, Meedia',
    ),
    firstNames: list(
      'Mari, Andres, Kadri, Tõnu, Liis, Marko, Kristiina, Rasmus, Triin, Martin, Kätlin, Siim',
    ),
  },
  {
    country: 'AT',
    weight: 2,
    region: 'dach',
    currency: 'EUR',
    perEuro: 1,
    tld: 'at',
    legalSuffixes: [
      ['GmbH', 85],
      ['AG', 15],
    ],
    places: list('Wien, Graz, Linz, Salzburg, Innsbruck, Klagenfurt, Villach, Wels, Dornbirn, Bregenz'),
    stems: list('Donau, Alpen, Tauern, Enns, Inn, Mur, Berg, Wald, Stein, Sonn'),
    endings: ['', 'feld', 'berg', 'hof', 'tal'],
    families: list(
      'Gruber, Huber, Bauer, Wagner, Müller, Pichler, Steiner, Moser, Mayer, Hofer, Leitner, Berger',
    ),
    trades: list(
      'Holzbau, Technik, Logistik, Software, Energie, Bau, Treuhand, Elektro, Tourismus, Medizintechnik, Architekten, Spedition',
    ),
    firstNames: list(
      'Katharina, Florian, Lisa, Markus, Theresa, Andreas, Sarah, Christoph, Johanna, Lukas, Magdalena, Stefan',
    ),
  },
  {
    country: 'CH',
    weight: 3,
    region: 'dach',
    currency: 'CHF',
    perEuro: 0.94,
    tld: 'ch',
    legalSuffixes: [
      ['AG', 60],
      ['GmbH', 40],
    ],
    places: list(
      'Zürich, Basel, Bern, Luzern, Lausanne, Winterthur, St. Gallen, Lugano, Zug, Thun, Chur, Aarau',
    ),
    stems: list('Alpen, Rhein, Aare, Limmat, Reuss, Berg, See, Sonnen, Tannen, Linden'),
    endings: ['', 'feld', 'berg', 'hof', 'tal', 'egg'],
    families: list(
      'Müller, Meier, Schmid, Keller, Weber, Huber, Schneider, Steiner, Fischer, Gerber, Brunner, Baumann, Frei',
    ),
    trades: list(
      'Treuhand, Präzision, Informatik, Logistik, Engineering, Immobilien, Medtech, Architekten, Uhrenmanufaktur, Energie, Bau',
    ),
    firstNames: list('Laura, Reto, Nina, Beat, Andrea, Urs, Sandra, Marco, Corinne, Patrick, Simone, Lukas'),
  },
  {
    country: 'BE',
    weight: 2,
    region: 'benelux',
    currency: 'EUR',
    perEuro: 1,
    tld: 'be',
    legalSuffixes: [
      ['BV', 8],
      ['NV', 2],
    ],
    places: list('Antwerpen, Gent, Brugge, Leuven, Mechelen, Hasselt, Kortrijk, Oostende, Aalst, Genk'),
    stems: list('Schelde, Leie, Kempen, Dender, Zenne, Noord, Zuid, Linde'),
    endings: ['', 'dam', 'veld', 'berg', 'hove'],
    families: list(
      'Peeters, Janssens, Maes, Jacobs, Mertens, Willems, Claes, Goossens, Wouters, De Smet, Dubois, Lambert',
    ),
    trades: list(
      'Logistiek, Bouw, Advies, Software, Energie, Zorg, Transport, Vastgoed, Diamant, Chemie, Architecten, Media',
    ),
    firstNames: list('Lien, Pieter, Elke, Wouter, Sofie, Bart, Katrien, Jonas, Marie, Thomas, An, Koen'),
  },
];

const healthcareTrades = list(
  'Medicinteknik, Tandvård, Helse, Tannklinikk, Medico, Tandlæger, Terveys, Hammaslääkärit, Medizintechnik, Zahnmedizin, Zorg, Tandartsen, Dental Care, Healthcare, Stomatologia, Medtech',
);
const educationTrades = ['Utbildning', 'Kompetanse'];

// Added when a name is taken, before falling back to a number.
const qualifiers = ['Nordic', 'Group', 'Holding', 'Partners', 'Solutions', 'International'];

const foldedLetters: Record<string, string> = { ß: 'ss', æ: 'ae', ø: 'o', ð: 'd', þ: 'th', ł: 'l', œ: 'oe' };

/** ASCII for e-mail addresses and domains: å→a, ö→o, ü→u, ß→ss, æ→ae, ø→o … */
export function asciiFold(text: string): string {
  return text
    .toLowerCase()
    .replace(/[ßæøðþłœ]/g, (letter) => foldedLetters[letter] ?? letter)
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '');
}

export type OrganizationName = { name: string; vertical: Vertical | null; domain: string };

/** Names and domains already handed out in one portfolio, so both stay unique. */
export type NameRegistry = { names: Set<string>; domains: Set<string> };

export function createNameRegistry(): NameRegistry {
  return { names: new Set(), domains: new Set() };
}

function inventedPlace(random: Random, profile: CountryProfile): string {
  return random.pick(profile.stems) + random.pick(profile.endings);
}

function companyBase(random: Random, profile: CountryProfile): string {
  const trade = random.pick(profile.trades);
  const form = random.weighted([
    ['place', 40],
    ['invented', 30],
    ['family', 20],
    ['partners', 10],
  ] as const);
  if (form === 'place') return `${random.pick(profile.places)} ${trade}`;
  if (form === 'invented') return `${inventedPlace(random, profile)} ${trade}`;
  if (form === 'family') return `${random.pick(profile.families)} ${trade}`;
  const first = random.pick(profile.families);
  const second = random.pick(profile.families.filter((family) => family !== first));
  return `${first} & ${second}`;
}

function domainFor(registry: NameRegistry, base: string, tld: string): string {
  const label = asciiFold(base)
    .replace(/&/g, ' ')
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length > 0)
    .join('-')
    .slice(0, 50);
  let domain = `${label}.${tld}`;
  for (let n = 2; registry.domains.has(domain); n++) domain = `${label}${n}.${tld}`;
  registry.domains.add(domain);
  return domain;
}

function verticalOf(base: string): Vertical | null {
  if (healthcareTrades.some((trade) => base.endsWith(` ${trade}`))) return 'healthcare';
  if (educationTrades.some((trade) => base.endsWith(` ${trade}`))) return 'education';
  return null;
}

/** A believable organization name unique in the registry, with its own e-mail domain. */
export function organizationName(
  random: Random,
  profile: CountryProfile,
  registry: NameRegistry,
): OrganizationName {
  const kind = random.weighted([
    ['company', 92],
    ['public-sector', profile.publicBody === undefined ? 0 : 4],
    ['education', profile.school === undefined ? 0 : 4],
  ] as const);
  if (kind !== 'company') {
    const template = kind === 'public-sector' ? profile.publicBody : profile.school;
    const name = (template ?? '').replace('{name}', inventedPlace(random, profile));
    if (!registry.names.has(name)) {
      registry.names.add(name);
      return { name, vertical: kind, domain: domainFor(registry, name, profile.tld) };
    }
  }
  const suffix = random.weighted(profile.legalSuffixes);
  let base = companyBase(random, profile);
  for (let attempt = 0; attempt < 4 && registry.names.has(`${base} ${suffix}`); attempt++) {
    base = companyBase(random, profile);
  }
  let name = `${base} ${suffix}`;
  for (let n = 0; registry.names.has(name); n++) {
    const qualifier = qualifiers[n] ?? String(n - qualifiers.length + 2);
    name = `${base} ${qualifier} ${suffix}`;
  }
  registry.names.add(name);
  return { name, vertical: verticalOf(base), domain: domainFor(registry, base, profile.tld) };
}

export type Person = { name: string; localPart: string };

/** `count` distinct people of the country, each with an e-mail local part unique among them. */
export function people(random: Random, profile: CountryProfile, count: number): Person[] {
  const result: Person[] = [];
  const localParts = new Set<string>();
  const names = new Set<string>();
  while (result.length < count) {
    const first = random.pick(profile.firstNames);
    const last = random.pick(profile.families);
    if (names.has(`${first} ${last}`)) continue;
    names.add(`${first} ${last}`);
    const style = random.weighted([
      ['first.last', 6],
      ['first', 2],
      ['initial+last', 2],
    ] as const);
    const firstAscii = asciiFold(first).replace(/[^a-z0-9]/g, '');
    const lastAscii = asciiFold(last).replace(/[^a-z0-9]/g, '');
    let localPart =
      style === 'first.last'
        ? `${firstAscii}.${lastAscii}`
        : style === 'first'
          ? firstAscii
          : `${firstAscii.slice(0, 1)}${lastAscii}`;
    for (let n = 2; localParts.has(localPart); n++) localPart = `${firstAscii}.${lastAscii}${n}`;
    localParts.add(localPart);
    result.push({ name: `${first} ${last}`, localPart });
  }
  return result;
}
