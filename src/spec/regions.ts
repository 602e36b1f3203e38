/**
 * Cloud regions: the code each cloud uses, its display name, and the main
 * cities it serves. The schema checks a spec's region against its cloud, the
 * interpreter maps words ("Frankfurt", "West Europe") to codes, and the cost
 * catalog prices by code.
 */
export type CloudName = "aws" | "gcp" | "azure";

export interface Region {
  readonly cloud: CloudName;
  readonly code: string;
  readonly displayName: string;
  /** Lower-case city and country words that map to this region (first match wins per cloud). */
  readonly places: readonly string[];
  readonly area: "us" | "eu" | "asia" | "other";
}

const aws = (code: string, displayName: string, area: Region["area"], places: string[]): Region => ({
  cloud: "aws",
  code,
  displayName,
  area,
  places,
});
const gcp = (code: string, displayName: string, area: Region["area"], places: string[]): Region => ({
  cloud: "gcp",
  code,
  displayName,
  area,
  places,
});
const azure = (code: string, displayName: string, area: Region["area"], places: string[]): Region => ({
  cloud: "azure",
  code,
  displayName,
  area,
  places,
});

export const REGIONS: readonly Region[] = [
  aws("us-east-1", "US East (N. Virginia)", "us", [
    "virginia",
    "n. virginia",
    "northern virginia",
    "us east",
    "ashburn",
    "washington",
    "new york",
    "usa",
    "united states",
    "america",
    "us",
  ]),
  aws("us-east-2", "US East (Ohio)", "us", ["ohio", "columbus", "chicago"]),
  aws("us-west-1", "US West (N. California)", "us", [
    "california",
    "n. california",
    "san francisco",
    "silicon valley",
    "los angeles",
  ]),
  aws("us-west-2", "US West (Oregon)", "us", ["oregon", "seattle", "portland", "us west"]),
  aws("ca-central-1", "Canada (Central)", "other", ["canada", "montreal", "toronto"]),
  aws("sa-east-1", "South America (São Paulo)", "other", [
    "sao paulo",
    "são paulo",
    "brazil",
    "south america",
  ]),
  aws("eu-west-1", "Europe (Ireland)", "eu", ["ireland", "dublin", "eu west", "europe", "eu"]),
  aws("eu-west-2", "Europe (London)", "eu", ["london", "uk", "united kingdom", "england", "britain"]),
  aws("eu-west-3", "Europe (Paris)", "eu", ["paris", "france"]),
  aws("eu-central-1", "Europe (Frankfurt)", "eu", ["frankfurt", "germany", "berlin", "munich", "eu central"]),
  aws("eu-central-2", "Europe (Zurich)", "eu", ["zurich", "switzerland"]),
  aws("eu-north-1", "Europe (Stockholm)", "eu", ["stockholm", "sweden", "nordics"]),
  aws("eu-south-1", "Europe (Milan)", "eu", ["milan", "italy"]),
  aws("eu-south-2", "Europe (Spain)", "eu", ["spain", "madrid"]),
  aws("ap-northeast-1", "Asia Pacific (Tokyo)", "asia", ["tokyo", "japan"]),
  aws("ap-northeast-2", "Asia Pacific (Seoul)", "asia", ["seoul", "korea", "south korea"]),
  aws("ap-northeast-3", "Asia Pacific (Osaka)", "asia", ["osaka"]),
  aws("ap-southeast-1", "Asia Pacific (Singapore)", "asia", ["singapore", "asia", "southeast asia"]),
  aws("ap-southeast-2", "Asia Pacific (Sydney)", "asia", ["sydney", "australia"]),
  aws("ap-southeast-4", "Asia Pacific (Melbourne)", "asia", ["melbourne"]),
  aws("ap-south-1", "Asia Pacific (Mumbai)", "asia", ["mumbai", "india", "bombay"]),
  aws("ap-east-1", "Asia Pacific (Hong Kong)", "asia", ["hong kong"]),
  aws("me-central-1", "Middle East (UAE)", "other", ["dubai", "uae", "abu dhabi"]),
  aws("af-south-1", "Africa (Cape Town)", "other", ["cape town", "south africa", "africa"]),

  gcp("us-central1", "Iowa", "us", ["iowa", "us central", "usa", "united states", "america", "us"]),
  gcp("us-east1", "South Carolina", "us", ["south carolina", "us east"]),
  gcp("us-east4", "Northern Virginia", "us", [
    "virginia",
    "northern virginia",
    "n. virginia",
    "ashburn",
    "washington",
    "new york",
  ]),
  gcp("us-west1", "Oregon", "us", ["oregon", "portland", "seattle", "us west"]),
  gcp("us-west2", "Los Angeles", "us", ["los angeles", "california"]),
  gcp("northamerica-northeast1", "Montréal", "other", ["montreal", "montréal", "canada"]),
  gcp("northamerica-northeast2", "Toronto", "other", ["toronto"]),
  gcp("southamerica-east1", "São Paulo", "other", ["sao paulo", "são paulo", "brazil", "south america"]),
  gcp("europe-west1", "Belgium", "eu", ["belgium", "brussels", "st. ghislain", "europe", "eu"]),
  gcp("europe-west2", "London", "eu", ["london", "uk", "united kingdom", "england", "britain"]),
  gcp("europe-west3", "Frankfurt", "eu", ["frankfurt", "germany", "berlin"]),
  gcp("europe-west4", "Netherlands", "eu", ["netherlands", "amsterdam", "eemshaven", "holland"]),
  gcp("europe-west6", "Zurich", "eu", ["zurich", "switzerland"]),
  gcp("europe-west8", "Milan", "eu", ["milan", "italy"]),
  gcp("europe-west9", "Paris", "eu", ["paris", "france"]),
  gcp("europe-southwest1", "Madrid", "eu", ["madrid", "spain"]),
  gcp("europe-north1", "Finland", "eu", ["finland", "hamina", "helsinki", "nordics", "stockholm"]),
  gcp("europe-central2", "Warsaw", "eu", ["warsaw", "poland"]),
  gcp("asia-northeast1", "Tokyo", "asia", ["tokyo", "japan"]),
  gcp("asia-northeast2", "Osaka", "asia", ["osaka"]),
  gcp("asia-northeast3", "Seoul", "asia", ["seoul", "korea", "south korea"]),
  gcp("asia-southeast1", "Singapore", "asia", ["singapore", "asia", "southeast asia"]),
  gcp("asia-east1", "Taiwan", "asia", ["taiwan", "taipei"]),
  gcp("asia-east2", "Hong Kong", "asia", ["hong kong"]),
  gcp("asia-south1", "Mumbai", "asia", ["mumbai", "india", "bombay"]),
  gcp("australia-southeast1", "Sydney", "asia", ["sydney", "australia"]),
  gcp("australia-southeast2", "Melbourne", "asia", ["melbourne"]),
  gcp("me-central1", "Doha", "other", ["doha", "qatar"]),
  gcp("africa-south1", "Johannesburg", "other", ["johannesburg", "south africa", "africa"]),

  azure("eastus", "East US", "us", ["east us", "virginia", "usa", "united states", "america", "us"]),
  azure("eastus2", "East US 2", "us", ["east us 2"]),
  azure("centralus", "Central US", "us", ["central us", "iowa", "chicago"]),
  azure("westus", "West US", "us", ["west us", "california", "san francisco"]),
  azure("westus2", "West US 2", "us", ["west us 2", "washington state", "seattle"]),
  azure("westus3", "West US 3", "us", ["west us 3", "arizona", "phoenix"]),
  azure("canadacentral", "Canada Central", "other", ["canada central", "canada", "toronto"]),
  azure("brazilsouth", "Brazil South", "other", [
    "brazil south",
    "brazil",
    "sao paulo",
    "são paulo",
    "south america",
  ]),
  azure("westeurope", "West Europe", "eu", [
    "west europe",
    "netherlands",
    "amsterdam",
    "holland",
    "europe",
    "eu",
  ]),
  azure("northeurope", "North Europe", "eu", ["north europe", "ireland", "dublin"]),
  azure("uksouth", "UK South", "eu", ["uk south", "london", "uk", "united kingdom", "england", "britain"]),
  azure("francecentral", "France Central", "eu", ["france central", "paris", "france"]),
  azure("germanywestcentral", "Germany West Central", "eu", [
    "germany west central",
    "frankfurt",
    "germany",
    "berlin",
  ]),
  azure("switzerlandnorth", "Switzerland North", "eu", ["switzerland north", "zurich", "switzerland"]),
  azure("swedencentral", "Sweden Central", "eu", ["sweden central", "stockholm", "sweden", "nordics"]),
  azure("italynorth", "Italy North", "eu", ["italy north", "milan", "italy"]),
  azure("japaneast", "Japan East", "asia", ["japan east", "tokyo", "japan"]),
  azure("japanwest", "Japan West", "asia", ["japan west", "osaka"]),
  azure("koreacentral", "Korea Central", "asia", ["korea central", "seoul", "korea", "south korea"]),
  azure("southeastasia", "Southeast Asia", "asia", ["southeast asia", "singapore", "asia"]),
  azure("eastasia", "East Asia", "asia", ["east asia", "hong kong"]),
  azure("centralindia", "Central India", "asia", ["central india", "pune", "india", "mumbai"]),
  azure("australiaeast", "Australia East", "asia", ["australia east", "sydney", "australia"]),
  azure("australiasoutheast", "Australia Southeast", "asia", ["australia southeast", "melbourne"]),
  azure("uaenorth", "UAE North", "other", ["uae north", "dubai", "uae"]),
  azure("southafricanorth", "South Africa North", "other", [
    "south africa north",
    "johannesburg",
    "south africa",
    "africa",
  ]),
];

const byCode = new Map<string, Region>(REGIONS.map((r) => [r.code, r]));

export function findRegion(code: string): Region | undefined {
  return byCode.get(code);
}

export function regionsOf(cloud: CloudName): readonly Region[] {
  return REGIONS.filter((r) => r.cloud === cloud);
}
