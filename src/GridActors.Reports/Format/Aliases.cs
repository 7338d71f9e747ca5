// The reports use the run folder's topology records as they are (Format/RunFolderFiles.cs), under shorter names.
global using Topology = GridActors.Reports.Format.TopologyFile;
global using TopoPlant = GridActors.Reports.Format.TopologyPlant;
global using TopoRegion = GridActors.Reports.Format.TopologyRegion;
global using TopoLink = GridActors.Reports.Format.TopologyLink;
global using TopoHub = GridActors.Reports.Format.TopologyHub;
global using TopoCable = GridActors.Reports.Format.TopologyCable;
global using TopoRoute = GridActors.Reports.Format.TopologyRoute;
global using TopoUser = GridActors.Reports.Format.TopologyUser;
global using TopoFault = GridActors.Reports.Format.TopologyFault;
